/** The server's template API, as the template editor and the re-apply notice use it. */
import type { Template } from '@bulwark/core';
import { ApiError, request } from '../api.js';

const base = (id: string): string => `/api/templates/${encodeURIComponent(id)}`;

/** A stored template: built in or not, and what a .tb7 export of it leaves out. */
export interface StoredTemplate {
  template: Template;
  builtin: boolean;
  tb7Losses: string[];
}

/** A template at a stored version, or its newest version when none is named. */
export async function getTemplateAt(id: string, version?: string): Promise<StoredTemplate> {
  const query = version ? `?version=${encodeURIComponent(version)}` : '';
  return (await request<StoredTemplate>(`${base(id)}${query}`, { cache: 'no-store' })).body;
}

/** The template a model was last analysed with; its newest version when that one is not stored. */
export async function templateOfModel(ref: { id: string; version?: string }): Promise<Template> {
  try {
    return (await getTemplateAt(ref.id, ref.version)).template;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && ref.version) return (await getTemplateAt(ref.id)).template;
    throw e;
  }
}

/** A stored version of a template. */
export interface TemplateVersion {
  version: string;
  builtin: boolean;
  createdAt: string;
}

/** A template's stored versions, newest first. */
export async function templateVersions(id: string): Promise<TemplateVersion[]> {
  return (await request<{ versions: TemplateVersion[] }>(`${base(id)}/versions`, { cache: 'no-store' })).body.versions;
}

/** A rule the server could not compile, as a save reports it. */
export interface BrokenRule {
  threatTypeId: string;
  rule: 'include' | 'exclude';
  message: string;
}

/** Adds a new template: a Bulwark template, or the text of a .tb7 file. */
export async function createTemplate(
  body: Template | string,
): Promise<{ id: string; version: string; brokenRules: BrokenRule[] }> {
  const isText = typeof body === 'string';
  return (
    await request<{ id: string; version: string; brokenRules: BrokenRule[] }>('/api/templates', {
      method: 'POST',
      headers: { 'content-type': isText ? 'application/xml' : 'application/json' },
      body: isText ? body : JSON.stringify(body),
    })
  ).body;
}

/** Saves an edit as the next version (the server numbers it); 409 when someone saved first. */
export async function saveTemplateVersion(
  template: Template,
  baseVersion: string,
): Promise<{ version: string; brokenRules: BrokenRule[] }> {
  return (
    await request<{ version: string; brokenRules: BrokenRule[] }>(`${base(template.id)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template, baseVersion }),
    })
  ).body;
}

/** Where a template downloads from, as Bulwark JSON or as a .tb7. */
export function templateExportUrl(id: string, format: 'json' | 'tb7', version?: string): string {
  return `${base(id)}/export?format=${format}${version ? `&version=${encodeURIComponent(version)}` : ''}`;
}
