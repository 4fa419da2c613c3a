/** The server's review API as the review panel uses it: comment threads, resolving them, and sign-off. */
import type { SignOff } from '@bulwark/core';
import { request } from '../api.js';

/** A comment as the server keeps it; a reply names its thread's first comment. */
export interface Comment {
  id: string;
  /** `model`, `element:<elementId>` or `threat:<threatId>`. */
  target: string;
  parentId: string | null;
  author: string;
  body: string;
  /** On a thread's first comment: the thread is resolved. */
  resolved: boolean;
  createdAt: string;
}

const base = (id: string): string => `/api/models/${encodeURIComponent(id)}`;
const json = { 'content-type': 'application/json' };

/** Every comment on a model, oldest first. */
export async function listComments(id: string): Promise<Comment[]> {
  return (await request<{ comments: Comment[] }>(`${base(id)}/comments`, { cache: 'no-store' })).body.comments;
}

/** Adds a comment on `target`, or a reply to the thread `parentId`. */
export async function addComment(
  id: string,
  fields: { target: string; body: string; parentId?: string },
): Promise<Comment> {
  const { body } = await request<{ comment: Comment }>(`${base(id)}/comments`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(fields),
  });
  return body.comment;
}

/** Resolves or reopens a thread (its first comment). */
export async function setResolved(id: string, commentId: string, resolved: boolean): Promise<Comment> {
  const { body } = await request<{ comment: Comment }>(`${base(id)}/comments/${encodeURIComponent(commentId)}`, {
    method: 'PATCH',
    headers: json,
    body: JSON.stringify({ resolved }),
  });
  return body.comment;
}

/** Signs off the stored `version`, which must be the current one (If-Match); the server saves it as the next. */
export async function signOff(
  id: string,
  version: number,
  note: string,
): Promise<{ version: number; signOff: SignOff }> {
  const { body } = await request<{ version: number; signOff: SignOff }>(`${base(id)}/signoff`, {
    method: 'POST',
    headers: { ...json, 'if-match': `"${version}"` },
    body: JSON.stringify({ version, ...(note.trim() ? { note } : {}) }),
  });
  return body;
}
