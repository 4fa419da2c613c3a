/**
 * Unsaved edits kept in this browser until the server has them: one draft per model and per
 * signed-in user, in IndexedDB (a large model is several megabytes, more than localStorage
 * holds). A draft's key is [server mode, user id, model id], so on a shared browser one user
 * never opens another's draft (a session that ends without signing out keeps its drafts for
 * that user alone), and signing out deletes every draft in this browser.
 *
 * Whose drafts these are is set by the app once it knows who is signed in (`setDraftOwner`),
 * before any page that keeps drafts is shown; without an owner nothing is kept or read.
 * Drafts from before they were tied to a user (keyed by the model id alone, or in localStorage)
 * cannot tell whose they are: in local mode (one user) they are adopted by the local user, in
 * team mode they are deleted when someone signs in.
 */
import { clear, createStore, del, delMany, entries, get, keys, set } from 'idb-keyval';
import { type DraftOwner, draftKey, isDraftOf, isUnownedKey, unownedDraftFate } from './draftKeys.js';

export type { DraftOwner } from './draftKeys.js';

import type { Draft } from './editingSession.js';

export type { Draft };

/** Drafts in localStorage, from before they moved to IndexedDB: `bulwark-draft:<model id>`. */
const LEGACY_PREFIX = 'bulwark-draft:';

// Opened on first use (the module is also imported where there is no IndexedDB, e.g. in tests).
let opened: ReturnType<typeof createStore> | undefined;
const drafts = () => {
  opened ??= createStore('bulwark', 'drafts');
  return opened;
};

let owner: DraftOwner | undefined;
/** Unowned drafts are settled (adopted or deleted) before any draft is read. */
let settled: Promise<void> = Promise.resolve();

/**
 * Sets whose drafts are read and kept (undefined: nobody's, e.g. once signed out), and settles
 * the drafts that name no user for them (`unownedDraftFate`).
 */
export function setDraftOwner(next: DraftOwner | undefined): void {
  owner = next;
  if (next) settled = settled.then(() => settleUnowned(next)).catch(() => undefined);
}

async function settleUnowned(who: DraftOwner): Promise<void> {
  const adopt = unownedDraftFate(who.mode) === 'adopt';
  for (const name of Object.keys(localStorage).filter((k) => k.startsWith(LEGACY_PREFIX))) {
    const text = localStorage.getItem(name);
    if (adopt && text) await set(draftKey(who, name.slice(LEGACY_PREFIX.length)), JSON.parse(text), drafts());
    localStorage.removeItem(name);
  }
  const unowned = (await entries<IDBValidKey, Draft>(drafts())).filter(([key]) => isUnownedKey(key));
  for (const [key, draft] of unowned) if (adopt) await set(draftKey(who, key as string), draft, drafts());
  if (unowned.length > 0)
    await delMany(
      unowned.map(([key]) => key),
      drafts(),
    );
}

/**
 * Edits an earlier release kept that carried a whole list: they are no longer edits (a replay
 * would overwrite what others changed), so a draft holding them keeps its model, not its edits.
 */
const WHOLE_LIST_EDITS = new Set(['setAssets', 'setNotes', 'setMetadataList', 'replaceThreats']);

/** The signed-in user's draft of a model, if any. */
export async function loadDraft(id: string): Promise<Draft | undefined> {
  await settled;
  if (!owner) return undefined;
  const draft = await get<Draft>(draftKey(owner, id), drafts());
  if (!draft) return undefined;
  if (!draft.actions?.some((a) => WHOLE_LIST_EDITS.has(a.type as string))) return draft;
  const { actions: _old, ...kept } = draft;
  return kept;
}

/** Keeps a draft (replacing the last one); resolves false if the browser would not store it. */
export async function keepDraft(id: string, draft: Draft): Promise<boolean> {
  if (!owner) return false;
  try {
    await set(draftKey(owner, id), draft, drafts());
    return true;
  } catch (e) {
    console.warn(`Unsaved edits could not be kept in this browser: ${(e as Error).message}`);
    return false;
  }
}

/** Forgets the signed-in user's draft of a model (the server has everything in it). */
export async function dropDraft(id: string): Promise<void> {
  if (!owner) return;
  await del(draftKey(owner, id), drafts()).catch(() => undefined);
}

/** How many models the signed-in user has unsaved edits of in this browser. */
export async function countDrafts(): Promise<number> {
  const who = owner;
  if (!who) return 0;
  return (await keys(drafts())).filter((key) => isDraftOf(key, who)).length;
}

/** Deletes every draft in this browser, whoever's (signing out), and reads or keeps no more. */
export async function forgetAllDrafts(): Promise<void> {
  owner = undefined;
  for (const name of Object.keys(localStorage).filter((k) => k.startsWith(LEGACY_PREFIX)))
    localStorage.removeItem(name);
  await clear(drafts());
}
