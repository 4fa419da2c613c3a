/** The server's history of a model, as the history panel reads it: every saved version, and any one of them. */
import type { ThreatModel } from '@bulwark/core';
import { getModelVersion, request } from './api.js';

/** One saved version: who saved it, when, and with what message. */
export interface VersionInfo {
  version: number;
  author: string;
  message: string;
  createdAt: string;
}

/** Every saved version of a model, newest first. */
export async function listVersions(id: string): Promise<VersionInfo[]> {
  const { body } = await request<{ versions: VersionInfo[] }>(`/api/models/${encodeURIComponent(id)}/versions`, {
    cache: 'no-store',
  });
  return body.versions;
}

/** The document of one saved version (a saved version never changes: the browser may cache it). */
export function loadVersion(id: string, version: number): Promise<ThreatModel> {
  return getModelVersion(id, version);
}
