/**
 * The server's JSON API, as the web app uses it. In team mode the session cookie travels by
 * itself; the session's CSRF token is kept here, in memory only (from signing in, or from
 * /api/me after a reload), and goes with every POST, PUT, PATCH and DELETE.
 */
import type { ThreatModel } from '@bulwark/core';
import type { ImportSummary } from './models/importMessages.js';

export type { ImportSummary };

/** Roles on a model, weakest first (the server's ROLES, apps/server/src/storage/UserStore.ts). */
export const ROLES = ['viewer', 'reviewer', 'editor', 'owner'] as const;
/** A role on a model: viewer reads, reviewer also triages, editor also edits, owner also deletes. */
export type Role = (typeof ROLES)[number];

/** Does `have` include what `need` allows? */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** A model as the list shows it. */
export interface ModelSummary {
  id: string;
  name: string;
  templateId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** Threats of priority High not started or needing investigation (the server counts them on each save). */
  openHighThreats: number;
  /** Elements, flows and boundaries on every diagram. */
  elementCount: number;
  /** The caller's role on it (in local mode, and for administrators: owner). */
  role?: Role;
}

/** An account as the server describes it. */
export interface Account {
  id: string;
  name: string;
  isAdmin: boolean;
}

/** Who is signed in and how the server runs: `local` (one user, no sign-in) or `team` (accounts). */
export interface Me {
  user: Account;
  mode: 'local' | 'team';
}

/** An error the server answered with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Is this the server saying that nobody is signed in (team mode)? */
export function isSignedOut(e: unknown): boolean {
  return e instanceof ApiError && e.status === 401;
}

// The CSRF token of this tab's session; never stored where another page could read it.
let csrfToken: string | undefined;
const LOGIN = '/api/login';
const signedOutListeners = new Set<() => void>();

/**
 * Calls `listener` whenever the server answers 401 (the session ended, or nobody signed in),
 * except to a sign-in attempt itself. Returns the function that stops it.
 */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A JSON call to the server: the CSRF token on writes, ApiError on a failure (for the other API files of the app). */
export async function request<T>(url: string, init: RequestInit = {}): Promise<{ body: T; etag: string | null }> {
  const csrf: Record<string, string> =
    csrfToken && UNSAFE.has((init.method ?? 'GET').toUpperCase()) ? { 'x-csrf-token': csrfToken } : {};
  const response = await fetch(url, {
    ...init,
    headers: { accept: 'application/json', ...csrf, ...(init.headers ?? {}) },
  });
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const failure = new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'HTTP',
      typeof error.message === 'string' ? error.message : `${response.status} ${response.statusText}`,
      error,
    );
    if (isSignedOut(failure) && url !== LOGIN) {
      csrfToken = undefined;
      for (const listener of signedOutListeners) listener();
    }
    throw failure;
  }
  const body = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { body, etag: response.headers.get('etag') };
}

/** Every model the user can see. */
export async function listModels(): Promise<ModelSummary[]> {
  return (await request<{ models: ModelSummary[] }>('/api/models')).body.models;
}

/** One model with its version, and the caller's role on it. */
export async function getModel(id: string): Promise<{ model: ThreatModel; version: number; role: Role }> {
  // Not from the browser's cache: its ETag follows the model's version, not the caller's role.
  const { body } = await request<{ model: ThreatModel; version: number; role: Role }>(
    `/api/models/${encodeURIComponent(id)}`,
    { cache: 'no-store' },
  );
  return body;
}

/** One stored version of a model. */
export async function getModelVersion(id: string, version: number): Promise<ThreatModel> {
  const { body } = await request<{ model: ThreatModel }>(`/api/models/${encodeURIComponent(id)}/versions/${version}`);
  return body.model;
}

/** Creates a blank model from a template. */
export async function createModel(name: string, template: string): Promise<string> {
  const { body } = await request<{ id: string }>('/api/models', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, template }),
  });
  return body.id;
}

/**
 * Uploads a model file as it is (Bulwark JSON or YAML, or another tool's file the server
 * recognises by its content), with its name: the server names a model that has no name of its
 * own after it, and says it in messages. `warnings` lists what could not be carried across;
 * `summary` what the import brought in. A file that does not read is an ApiError whose details
 * carry the line and column, or the path, of each problem.
 */
export async function importModel(
  text: string,
  filename?: string,
): Promise<{ id: string; warnings: string[]; summary?: ImportSummary }> {
  const query = filename ? `?filename=${encodeURIComponent(filename.slice(0, 255))}` : '';
  const { body } = await request<{ id: string; warnings?: string[]; summary?: ImportSummary }>(`/api/models${query}`, {
    method: 'POST',
    // The file as it is, read by the server (not by its JSON body parser): its messages then name the file.
    headers: { 'content-type': text.trimStart().startsWith('<') ? 'application/xml' : 'application/octet-stream' },
    body: text,
  });
  return { id: body.id, warnings: body.warnings ?? [], ...(body.summary ? { summary: body.summary } : {}) };
}

/** The templates a new model can start from. */
export async function listTemplates(): Promise<{ id: string; name: string; version: string; builtin: boolean }[]> {
  return (
    await request<{ templates: { id: string; name: string; version: string; builtin: boolean }[] }>('/api/templates')
  ).body.templates;
}

/** Saves a model on the version it was read at; returns the new version (409 -> ApiError). */
export async function saveModel(id: string, version: number, model: ThreatModel): Promise<number> {
  const { body } = await request<{ version: number }>(`/api/models/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
    body: JSON.stringify(model),
  });
  return body.version;
}

/** Deletes a model, if it is still at `version` (If-Match), so nobody's newer save is lost. */
export async function deleteModel(id: string, version: number): Promise<void> {
  await request<void>(`/api/models/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: { 'if-match': `"${version}"` },
  });
}

/** Where a model downloads from in a format the server exports. */
export function exportUrl(id: string, format: string): string {
  return `/api/models/${encodeURIComponent(id)}/export?format=${format}`;
}

/** A model's first diagram as a small SVG; the version in the URL makes each version its own image. */
export function thumbnailUrl(id: string, version: number): string {
  return `/api/models/${encodeURIComponent(id)}/thumbnail?v=${version}`;
}

/** Another tool's model format the server reads and/or writes. */
export interface ModelFormatInfo {
  id: string;
  name: string;
  extensions: string[];
  reads: boolean;
  writes: boolean;
}

/** The other tools' formats the server reads and writes. */
export async function getFormats(): Promise<ModelFormatInfo[]> {
  const { body } = await request<{ formats: ModelFormatInfo[] }>('/api/formats');
  return body.formats;
}

/**
 * The signed-in account (in local mode, the local user) and the server's mode; keeps the
 * session's CSRF token. In team mode with nobody signed in: ApiError 401.
 */
export async function getMe(): Promise<Me> {
  const { body } = await request<Me & { csrfToken: string | null }>('/api/me', { cache: 'no-store' });
  csrfToken = body.csrfToken ?? undefined;
  return { user: body.user, mode: body.mode };
}

/** Signs in (team mode); a wrong name or password is ApiError 401. */
export async function signIn(name: string, password: string): Promise<Account> {
  const { body } = await request<{ user: Account; csrfToken: string | null }>(LOGIN, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  csrfToken = body.csrfToken ?? undefined;
  return body.user;
}

/** Signs out: the server ends the session; this tab forgets its token. */
export async function signOut(): Promise<void> {
  try {
    await request<void>('/api/logout', { method: 'POST' });
  } finally {
    csrfToken = undefined;
  }
}
