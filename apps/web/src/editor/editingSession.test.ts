import { buildModel, type ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import type { Action } from './actions/actions.js';
import { initialSession, needsSave, type Session, sessionReducer, shownSave } from './editingSession.js';

const stored = (): ThreatModel =>
  buildModel('Shop')
    .entity('user', { position: { x: 0, y: 0, width: 100, height: 60 } })
    .process('web', { position: { x: 200, y: 0, width: 100, height: 100 } })
    .build();
const rename = (name: string): Action => ({
  type: 'setField',
  diagramId: 'main',
  id: 'web',
  field: 'name',
  value: name,
});
const owner = (value: string): Action => ({ type: 'setMetadata', field: 'owner', value });
const nameOf = (m: ThreatModel | undefined) => m?.diagrams[0]?.elements.find((e) => e.id === 'web')?.name;

/** Runs events from a freshly opened model. */
function run(...events: Parameters<typeof sessionReducer>[1][]): Session {
  return events.reduce(sessionReducer, sessionReducer(initialSession, { type: 'opened', version: 3, shown: stored() }));
}

describe('the editing session', () => {
  it('opens with nothing to save, whatever opening added', () => {
    const withThreats = { ...stored(), threats: [] };
    const s = sessionReducer(initialSession, { type: 'opened', version: 3, shown: withThreats });
    expect(needsSave(s)).toBe(false);
    expect(shownSave(s)).toBe('saved');
    expect(s.history?.present).toBe(withThreats);
  });

  it('what opening added is stored only when asked (for a sign-off), then it is on the server', () => {
    const withThreats = { ...stored(), threats: [] };
    let s = sessionReducer(initialSession, { type: 'opened', version: 3, shown: withThreats, stored: stored() });
    expect([s.unsent, needsSave(s)]).toEqual([true, false]);
    s = sessionReducer(s, { type: 'saveSent' });
    expect(s.sending?.model).toBe(withThreats);
    s = sessionReducer(s, { type: 'saveLanded', version: 4 });
    expect([s.unsent, s.version, shownSave(s)]).toEqual([undefined, 4, 'saved']);
    // Opened as stored: nothing to store.
    const same = stored();
    const plain = sessionReducer(initialSession, { type: 'opened', version: 3, shown: same, stored: same });
    expect(sessionReducer(plain, { type: 'saveSent' })).toBe(plain);
  });

  it('an edit is pending and unsaved until its save lands; edits made meanwhile stay pending', () => {
    let s = run({ type: 'edit', action: rename('Shop web') });
    expect([needsSave(s), shownSave(s), s.pending?.length]).toEqual([true, 'unsaved', 1]);
    s = sessionReducer(s, { type: 'saveSent' });
    expect(s.save).toBe('saving');
    expect(sessionReducer(s, { type: 'saveSent' })).toBe(s);
    s = sessionReducer(s, { type: 'edit', action: owner('Ana') });
    s = sessionReducer(s, { type: 'saveLanded', version: 4 });
    expect([s.version, s.save, s.pending, needsSave(s)]).toEqual([4, 'unsaved', [owner('Ana')], true]);
    s = sessionReducer(sessionReducer(s, { type: 'saveSent' }), { type: 'saveLanded', version: 5 });
    expect([s.version, shownSave(s), s.pending, needsSave(s)]).toEqual([5, 'saved', [], false]);
  });

  it('an edit that changes nothing is no edit', () => {
    const s = run();
    const unmark: Action = { type: 'markReviewed', interaction: 'user:f:web', reviewed: false, by: 'Ana', at: 'now' };
    expect(sessionReducer(s, { type: 'edit', action: unmark })).toBe(s);
  });

  it('what follows an edit (the analysis) is in the same undo step', () => {
    const follow = (m: ThreatModel): ThreatModel => ({ ...m, threats: [] });
    let s = run({ type: 'edit', action: rename('Shop web'), follow });
    expect(s.history?.present.threats).toEqual([]);
    s = sessionReducer(s, { type: 'undo' });
    expect(nameOf(s.history?.present)).toBe('web');
    expect(needsSave(s)).toBe(false);
  });

  it('undo past the last save leaves nothing to re-apply; redo too', () => {
    let s = run({ type: 'edit', action: rename('A') });
    s = sessionReducer(s, { type: 'undo' });
    expect(s.pending).toEqual([]);
    s = sessionReducer(s, { type: 'undo' });
    expect(s.pending).toBeUndefined();
    expect(sessionReducer(run({ type: 'edit', action: rename('A') }), { type: 'redo' }).pending).toBeUndefined();
  });

  it('the first layout is part of opening; after an edit it is an undoable edit', () => {
    const layout: Action = { type: 'move', diagramId: 'main', positions: { user: { x: 10, y: 10 } } };
    const opened = run({ type: 'placed', action: layout });
    expect(needsSave(opened)).toBe(false);
    expect(opened.history?.past).toEqual([]);
    const edited = run({ type: 'edit', action: rename('A') }, { type: 'placed', action: layout });
    expect(edited.history?.past.length).toBe(2);
    expect(edited.pending?.length).toBe(2);
  });

  it('a conflict keeps my edits, says what they changed, and offers three ways on', () => {
    const theirs = { ...stored(), metadata: { ...stored().metadata, owner: 'Bo' } };
    const conflicted = run(
      { type: 'edit', action: rename('Shop web') },
      { type: 'saveSent' },
      { type: 'saveConflicted', version: 4, theirs },
    );
    expect(conflicted.save).toBe('conflict');
    expect(needsSave(conflicted)).toBe(false);
    expect(conflicted.conflict?.changes).toEqual(["Changed the model's owner."]);
    expect(conflicted.conflict?.actions).toEqual([rename('Shop web')]);

    const reapplied = sessionReducer(conflicted, { type: 'reapplyMine' });
    expect([reapplied.version, reapplied.conflict, needsSave(reapplied)]).toEqual([4, undefined, true]);
    expect([nameOf(reapplied.history?.present), reapplied.history?.present.metadata.owner]).toEqual(['Shop web', 'Bo']);
    // Undo goes back to their version.
    expect(reapplied.history?.past).toEqual([theirs]);

    const dropped = sessionReducer(conflicted, { type: 'takeTheirs' });
    expect([dropped.version, dropped.save, needsSave(dropped), dropped.history?.present]).toEqual([
      4,
      'saved',
      false,
      theirs,
    ]);

    const over = sessionReducer(conflicted, { type: 'keepMine' });
    expect([over.version, over.conflict, needsSave(over), nameOf(over.history?.present)]).toEqual([
      4,
      undefined,
      true,
      'Shop web',
    ]);
  });

  it('a failed save (offline) keeps the edits for the next try', () => {
    const s = run({ type: 'edit', action: rename('A') }, { type: 'saveSent' }, { type: 'saveFailed' });
    expect([s.save, s.sending, needsSave(s), s.pending?.length]).toEqual(['offline', undefined, true, 1]);
  });

  it('opens a draft on the same revision as unsaved edits, on an older one as a conflict', () => {
    const mine = { ...stored(), metadata: { ...stored().metadata, owner: 'Ana' } };
    const same = sessionReducer(initialSession, {
      type: 'openedDraft',
      version: 3,
      stored: stored(),
      draft: { baseVersion: 3, model: mine, actions: [owner('Ana')] },
    });
    expect([same.save, needsSave(same), same.history?.present]).toEqual(['unsaved', true, mine]);
    const older = sessionReducer(initialSession, {
      type: 'openedDraft',
      version: 5,
      stored: stored(),
      draft: { baseVersion: 3, model: mine, actions: [owner('Ana')] },
      base: { ...stored(), metadata: { ...stored().metadata, description: 'old' } },
    });
    expect([older.save, older.conflict?.version, older.conflict?.changes]).toEqual([
      'conflict',
      5,
      ["Changed the model's description."],
    ]);
  });

  it('a sign-off the server stored joins every undo step; with nothing else to save, nothing is', () => {
    const signOff = { by: 'Rui', at: '2026-12-07T10:00:00Z', version: 3, digest: 'sha256:0' };
    const clean = run({ type: 'signedOff', version: 4, signOff });
    expect([clean.version, needsSave(clean), clean.history?.present.review?.signOffs]).toEqual([4, false, [signOff]]);
    const edited = run({ type: 'edit', action: rename('A') }, { type: 'signedOff', version: 4, signOff });
    expect(needsSave(edited)).toBe(true);
    expect(edited.history?.past[0]?.review?.signOffs).toEqual([signOff]);
  });
});
