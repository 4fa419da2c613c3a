/**
 * The server's history of a model, as the history panel uses it: the versions made on purpose
 * and how the working copy stands, any one version, Save version and restore.
 */
import type { ThreatModel } from '@bulwark/core';
import { getModelVersion, request } from '../api.js';

/** How a version was made. */
export type VersionKind = 'created' | 'imported' | 'saved' | 'signed-off' | 'restored' | 'folded';

/** One version: who made it, when, with what message, and how. */
export interface VersionInfo {
  /** The revision of the model it copies. */
  version: number;
  author: string;
  message: string;
  kind: VersionKind;
  createdAt: string;
}

/** The working copy (the model as the editor autosaves it): its revision and who wrote it last. */
export interface WorkingCopyInfo {
  version: number;
  /** The newest version, when the working copy has changed since it; else null. */
  changedSinceVersion: number | null;
  updatedBy: string;
  updatedAt: string;
}

/** The versions, newest first, and the working copy. */
export interface History {
  versions: VersionInfo[];
  workingCopy: WorkingCopyInfo;
}

const base = (id: string) => `/api/models/${encodeURIComponent(id)}`;

/** Every version of a model, newest first, and how the working copy stands. */
export async function listVersions(id: string): Promise<History> {
  return (await request<History>(`${base(id)}/versions`, { cache: 'no-store' })).body;
}

/** The document of one version (a version never changes: the browser may cache it). */
export function loadVersion(id: string, version: number): Promise<ThreatModel> {
  return getModelVersion(id, version);
}

/** Save version: keeps the working copy at `revision` (If-Match) as a version with `message`. */
export async function saveVersion(id: string, revision: number, message: string): Promise<VersionInfo['version']> {
  const { body } = await request<{ version: number }>(`${base(id)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'if-match': `"${revision}"` },
    body: JSON.stringify({ message }),
  });
  return body.version;
}

/** Restores `version` as the working copy (If-Match `revision`); returns the new revision. */
export async function restoreVersion(id: string, revision: number, version: number): Promise<number> {
  const { body } = await request<{ version: number }>(`${base(id)}/versions/${version}/restore`, {
    method: 'POST',
    headers: { 'if-match': `"${revision}"` },
  });
  return body.version;
}

/** What a version's kind is called in the list (a plain save says nothing more). */
export const KIND_LABEL: Record<VersionKind, string> = {
  created: 'created',
  imported: 'imported',
  saved: 'saved',
  'signed-off': 'signed off',
  restored: 'restored',
  folded: 'autosaves',
};
