/**
 * The editing session of one model, as a pure reducer: what is on screen (the undo history), what
 * the server holds (`saved`, at revision `version`), the edits in between (`pending`, to re-apply
 * on someone else's newer version), the save on its way, and a conflict to resolve. The hook that
 * runs it (`useEditingSession`) does the fetching, the timer and the local draft; every decision
 * is made here, and `editingSession.test.ts` walks each path.
 *
 * Opening never writes: what opening adds (threats brought up to date, the first layout of a
 * diagram never placed) becomes the baseline, saved with the first real edit.
 */
import type { SignOff, ThreatModel } from '@bulwark/core';
import { withSignOff } from '../review/signOff.js';
import {
  type Action,
  amend,
  type History,
  record,
  redo as redoStep,
  startHistory,
  undo as undoStep,
} from './actions/actions.js';
import { describeChanges, replay } from './actions/conflict.js';

/** What this browser keeps of unsaved edits (drafts.ts): the model, the revision it is based on, the edits. */
export interface Draft {
  baseVersion: number;
  model: ThreatModel;
  actions?: Action[];
  /**
   * The model as stored at `baseVersion`, to say what others changed since when the draft is
   * reopened on a newer revision (a revision is not kept by the server unless it is a version).
   * Kept in the same record as `model`, whose unchanged parts it shares, so it costs little.
   */
  base?: ThreatModel;
}

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'offline' | 'conflict';

/** Someone else saved first: their version, what they changed, and my edits to re-apply. */
export interface Conflict {
  version: number;
  theirs?: ThreatModel;
  changes: string[];
  actions?: Action[];
}

export interface Session {
  /** What is on screen, with undo and redo; undefined while loading. */
  history?: History;
  /** The model as the server holds it, or as good as: nothing to save while it is on screen. */
  saved?: ThreatModel;
  /** The revision `saved` is at (sent as If-Match). */
  version: number;
  /** My edits since `saved`; undefined once undo went back past it (then only mine or theirs). */
  pending: Action[] | undefined;
  save: SaveState;
  /** The save on its way: the model sent, how many pending edits it holds, what it replaced. */
  sending?: { model: ThreatModel; sent: number; base: ThreatModel };
  conflict?: Conflict;
  /**
   * What opening added (threats brought up to date, a first layout) is on screen but not on the
   * server: nothing is sent for it, but a sign-off, which signs what is stored, waits for it to be
   * stored on purpose (`saveSent` takes it then).
   */
  unsent?: boolean;
}

/** A function from model to model, e.g. the analysis (threats generated again after an edit). */
type Follow = (model: ThreatModel) => ThreatModel;

export type SessionEvent =
  /** Opened: `shown` is the stored model with what opening adds (up-to-date threats). */
  | { type: 'opened'; version: number; shown: ThreatModel; stored?: ThreatModel }
  /** Opened with a draft this browser kept; `stored` is the server's, `base` the draft's base if known. */
  | { type: 'openedDraft'; version: number; stored: ThreatModel; draft: Draft; base?: ThreatModel }
  /** An edit, and what follows it in the same undo step (the analysis). */
  | { type: 'edit'; action: Action; follow?: Follow }
  /** The model on screen replaced in the same undo step (threats regenerated on demand, a template applied). */
  | { type: 'amend'; change: (history: History) => History }
  /** A diagram never placed is laid out as it is first shown: part of opening if nothing was edited yet. */
  | { type: 'placed'; action: Action; follow?: Follow }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'saveSent' }
  | { type: 'saveLanded'; version: number }
  | { type: 'saveConflicted'; version: number; theirs?: ThreatModel }
  | { type: 'saveFailed' }
  /** Conflict resolved: my edits re-applied on their version (`follow`: the analysis). */
  | { type: 'reapplyMine'; follow?: (model: ThreatModel, actions: readonly Action[]) => ThreatModel }
  | { type: 'takeTheirs' }
  /** Conflict resolved: the next save goes over theirs. */
  | { type: 'keepMine' }
  /** A sign-off the server stored (a write of its own, at `version`). */
  | { type: 'signedOff'; version: number; signOff: SignOff };

export const initialSession: Session = { version: 0, pending: [], save: 'saved' };

/** Whether the model on screen has something the server does not (and may be sent now). */
export function needsSave(s: Session): boolean {
  return s.history !== undefined && s.history.present !== s.saved && s.conflict === undefined;
}

/** What the header says: an edit shows as unsaved in the very render that makes it. */
export function shownSave(s: Session): SaveState {
  return s.save === 'saved' && needsSave(s) ? 'unsaved' : s.save;
}

export function sessionReducer(s: Session, e: SessionEvent): Session {
  switch (e.type) {
    case 'opened':
      return {
        version: e.version,
        pending: [],
        save: 'saved',
        saved: e.shown,
        history: startHistory(e.shown),
        ...(e.stored && e.stored !== e.shown ? { unsent: true } : {}),
      };
    case 'openedDraft': {
      const mine = startHistory(e.draft.model);
      if (e.draft.baseVersion === e.version)
        return { version: e.version, pending: e.draft.actions, save: 'unsaved', saved: e.stored, history: mine };
      // Edits kept in this browser, but the model moved on since: show mine, and the choice.
      return {
        version: e.version,
        pending: e.draft.actions,
        save: 'conflict',
        saved: e.stored,
        history: mine,
        conflict: {
          version: e.version,
          theirs: e.stored,
          changes: e.base ? describeChanges(e.base, e.stored) : [],
          ...(e.draft.actions ? { actions: e.draft.actions } : {}),
        },
      };
    }
    case 'edit': {
      if (!s.history) return s;
      const next = record(s.history, e.action);
      if (next === s.history) return s;
      return {
        ...s,
        pending: s.pending ? [...s.pending, e.action] : undefined,
        history: e.follow ? amend(next, e.follow(next.present)) : next,
      };
    }
    case 'amend':
      return s.history ? { ...s, history: e.change(s.history) } : s;
    case 'placed': {
      if (!s.history) return s;
      if (s.history.present !== s.saved) return sessionReducer(s, { ...e, type: 'edit' });
      const moved = record(s.history, e.action).present;
      const placed = e.follow ? e.follow(moved) : moved;
      return { ...s, saved: placed, history: startHistory(placed), unsent: true };
    }
    case 'undo':
      if (!s.history) return s;
      return {
        ...s,
        // Undo takes back the last pending edit; past the last save, re-applying is no longer possible.
        pending: s.pending && s.pending.length > 0 ? s.pending.slice(0, -1) : undefined,
        history: undoStep(s.history),
      };
    case 'redo':
      return s.history ? { ...s, pending: undefined, history: redoStep(s.history) } : s;
    case 'saveSent':
      // One save at a time: a second one on the same revision would be refused as a conflict.
      if (!s.history || !s.saved || s.sending || !(needsSave(s) || (s.unsent && !s.conflict))) return s;
      return {
        ...s,
        save: 'saving',
        sending: { model: s.history.present, sent: s.pending?.length ?? 0, base: s.saved },
      };
    case 'saveLanded': {
      if (!s.sending) return s;
      const { model, sent } = s.sending;
      const { sending: _done, unsent: _stored, ...rest } = s;
      return {
        ...rest,
        saved: model,
        version: e.version,
        // Edits made while the save was on its way stay pending for the next one.
        pending: s.pending?.slice(sent) ?? [],
        save: s.history?.present === model ? 'saved' : 'unsaved',
      };
    }
    case 'saveConflicted': {
      const base = s.sending?.base ?? s.saved;
      const { sending: _gone, ...rest } = s;
      return {
        ...rest,
        save: 'conflict',
        conflict: {
          version: e.version,
          ...(e.theirs ? { theirs: e.theirs } : {}),
          changes: e.theirs && base ? describeChanges(base, e.theirs) : [],
          ...(s.pending ? { actions: s.pending } : {}),
        },
      };
    }
    case 'saveFailed': {
      // Offline or the server is down: the draft keeps the edits; the hook tries again later.
      const { sending: _gone, ...rest } = s;
      return { ...rest, save: 'offline' };
    }
    case 'reapplyMine': {
      const c = s.conflict;
      if (!c?.theirs || !c.actions) return s;
      const merged = e.follow ? e.follow(c.theirs, c.actions) : replay(c.theirs, c.actions);
      const { conflict: _resolved, ...rest } = s;
      return {
        ...rest,
        saved: c.theirs,
        version: c.version,
        pending: [...c.actions],
        save: 'unsaved',
        history: { past: [c.theirs], present: merged, future: [] },
      };
    }
    case 'takeTheirs': {
      const c = s.conflict;
      if (!c?.theirs) return s;
      return { version: c.version, pending: [], save: 'saved', saved: c.theirs, history: startHistory(c.theirs) };
    }
    case 'keepMine': {
      if (!s.conflict) return s;
      const { conflict, ...rest } = s;
      return { ...rest, version: conflict.version, save: 'unsaved' };
    }
    case 'signedOff': {
      if (!s.history) return s;
      const history = withSignOff(s.history, e.signOff);
      // What the server now holds: what was saved, with the sign-off (edits since stay to save).
      const unchanged = s.history.present === s.saved;
      return { ...s, history, version: e.version, ...(unchanged ? { saved: history.present } : {}) };
    }
  }
}
