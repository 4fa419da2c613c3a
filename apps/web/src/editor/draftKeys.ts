/**
 * Whose a draft is, as data (pure, unit-tested): the key a draft is kept under names the server
 * mode, the user and the model, so a user only ever reads their own (drafts.ts keeps them).
 */

/** Whose drafts: how the server runs and who is signed in (from /api/me). */
export interface DraftOwner {
  mode: 'local' | 'team';
  userId: string;
}

/** The key of a draft: an array, so no user or model id needs escaping. */
export type DraftKey = [mode: string, userId: string, modelId: string];

/** The key of `owner`'s draft of a model. */
export function draftKey(owner: DraftOwner, modelId: string): DraftKey {
  return [owner.mode, owner.userId, modelId];
}

/** Whether a stored key is `owner`'s draft. */
export function isDraftOf(key: unknown, owner: DraftOwner): boolean {
  return Array.isArray(key) && key.length === 3 && key[0] === owner.mode && key[1] === owner.userId;
}

/** A key from before drafts were tied to a user: the model id alone. */
export function isUnownedKey(key: unknown): key is string {
  return typeof key === 'string';
}

/**
 * What becomes of a draft that names no user: in local mode there is one user, who made it; in
 * team mode nobody can tell whose it is, and giving it to whoever opens the model first could
 * show one person's unsaved edits to another, so it is deleted.
 */
export function unownedDraftFate(mode: DraftOwner['mode']): 'adopt' | 'delete' {
  return mode === 'local' ? 'adopt' : 'delete';
}

/** The question before signing out deletes unsaved edits (none: no question). */
export function signOutQuestion(unsaved: number): string | undefined {
  if (unsaved === 0) return undefined;
  const which = unsaved === 1 ? 'one model has unsaved edits' : `${unsaved} models have unsaved edits`;
  return `In this browser ${which} that the server does not have yet (it could not be reached). Signing out deletes them from this browser. Sign out anyway?`;
}
