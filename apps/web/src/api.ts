/** The server's JSON API, as the web app uses it. */
import type { Template, ThreatModel } from '@bulwark/core';

/** A model as the list shows it. */
export interface ModelSummary {
  id: string;
  name: string;
  templateId: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
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

async function request<T>(url: string, init: RequestInit = {}): Promise<{ body: T; etag: string | null }> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : 'HTTP',
      typeof error.message === 'string' ? error.message : `${response.status} ${response.statusText}`,
      error,
    );
  }
  const body = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { body, etag: response.headers.get('etag') };
}

/** Every model the user can see. */
export async function listModels(): Promise<ModelSummary[]> {
  return (await request<{ models: ModelSummary[] }>('/api/models')).body.models;
}

/** One model with its version. */
export async function getModel(id: string): Promise<{ model: ThreatModel; version: number }> {
  const { body } = await request<{ model: ThreatModel; version: number }>(`/api/models/${encodeURIComponent(id)}`);
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

/** Uploads a model file (Bulwark JSON/YAML or .tm7). */
export async function importModel(text: string): Promise<string> {
  const isJson = text.trimStart().startsWith('{');
  const { body } = await request<{ id: string }>('/api/models', {
    method: 'POST',
    headers: {
      'content-type': isJson
        ? 'application/json'
        : text.trimStart().startsWith('<')
          ? 'application/xml'
          : 'application/yaml',
    },
    body: text,
  });
  return body.id;
}

/** A template by id. */
export async function getTemplate(id: string): Promise<Template> {
  return (await request<{ template: Template }>(`/api/templates/${encodeURIComponent(id)}`)).body.template;
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
export function exportUrl(id: string, format: 'json' | 'yaml' | 'tm7'): string {
  return `/api/models/${encodeURIComponent(id)}/export?format=${format}`;
}

/** The signed-in account (in local mode, the local user) and the server's mode. */
export async function getMe(): Promise<{
  user: { id: string; name: string; isAdmin: boolean };
  mode: 'local' | 'team';
}> {
  return (await request<{ user: { id: string; name: string; isAdmin: boolean }; mode: 'local' | 'team' }>('/api/me'))
    .body;
}
