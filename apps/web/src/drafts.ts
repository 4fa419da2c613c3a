/**
 * Unsaved edits kept in this browser until the server has them: one draft per model, in
 * IndexedDB (a large model is several megabytes, more than localStorage holds). Writes are
 * queued in order, so a draft written after a save is never removed by that save.
 */
import type { ThreatModel } from '@bulwark/core';
import { createStore, del, get, set } from 'idb-keyval';
import type { Action } from './actions/actions.js';

/** What this browser keeps of unsaved edits: the model, the version it is based on, the edits. */
export interface Draft {
  baseVersion: number;
  model: ThreatModel;
  actions?: Action[];
}

// Opened on first use (the module is also imported where there is no IndexedDB, e.g. in tests).
let opened: ReturnType<typeof createStore> | undefined;
const drafts = () => {
  opened ??= createStore('bulwark', 'drafts');
  return opened;
};

/** Drafts from before they moved to IndexedDB. */
const legacyKey = (id: string) => `bulwark-draft:${id}`;

/** The draft kept for a model, if any. */
export async function loadDraft(id: string): Promise<Draft | undefined> {
  const legacy = localStorage.getItem(legacyKey(id));
  if (legacy) {
    localStorage.removeItem(legacyKey(id));
    return JSON.parse(legacy) as Draft;
  }
  return (await get<Draft>(id, drafts())) ?? undefined;
}

/** Keeps a draft (replacing the last one); resolves false if the browser would not store it. */
export async function keepDraft(id: string, draft: Draft): Promise<boolean> {
  try {
    await set(id, draft, drafts());
    return true;
  } catch (e) {
    console.warn(`Unsaved edits could not be kept in this browser: ${(e as Error).message}`);
    return false;
  }
}

/** Forgets the draft of a model (the server has everything in it). */
export async function dropDraft(id: string): Promise<void> {
  await del(id, drafts()).catch(() => undefined);
}
