import { describe, expect, it } from 'vitest';
import { type DraftOwner, draftKey, isDraftOf, isUnownedKey, signOutQuestion, unownedDraftFate } from './draftKeys.js';

const ana: DraftOwner = { mode: 'team', userId: 'u-ana' };
const bo: DraftOwner = { mode: 'team', userId: 'u-bo' };
const local: DraftOwner = { mode: 'local', userId: 'local' };

describe('draft keys', () => {
  it('name the mode, the user and the model, so no user reads another user’s draft', () => {
    expect(draftKey(ana, 'm1')).toEqual(['team', 'u-ana', 'm1']);
    expect(isDraftOf(draftKey(ana, 'm1'), ana)).toBe(true);
    expect(isDraftOf(draftKey(ana, 'm1'), bo)).toBe(false);
    // The same id in the other mode (a server restarted in team mode on the same address) is not hers.
    expect(isDraftOf(draftKey({ mode: 'local', userId: 'u-ana' }, 'm1'), ana)).toBe(false);
    expect(isDraftOf(draftKey(local, 'm1'), { mode: 'team', userId: 'local' })).toBe(false);
  });

  it('keep ids with separators apart (keys are arrays, not joined strings)', () => {
    const odd: DraftOwner = { mode: 'team', userId: 'a:b' };
    expect(isDraftOf(draftKey(odd, 'c'), { mode: 'team', userId: 'a' })).toBe(false);
    expect(draftKey({ mode: 'team', userId: 'a' }, 'b:c')).not.toEqual(draftKey(odd, 'c'));
  });

  it('tell drafts from before they named a user, and never take one for anybody’s', () => {
    expect(isUnownedKey('m1')).toBe(true);
    expect(isUnownedKey(draftKey(ana, 'm1'))).toBe(false);
    for (const key of ['m1', ['team', 'u-ana'], ['team', 'u-ana', 'm1', 'x'], 7])
      expect(isDraftOf(key, ana), JSON.stringify(key)).toBe(false);
  });
});

describe('drafts that name no user', () => {
  it('are adopted by the one local user and deleted in team mode, where nobody can tell whose they are', () => {
    expect(unownedDraftFate('local')).toBe('adopt');
    expect(unownedDraftFate('team')).toBe('delete');
  });
});

describe('signing out', () => {
  it('asks only when it would delete unsaved edits, and says what it deletes', () => {
    expect(signOutQuestion(0)).toBeUndefined();
    expect(signOutQuestion(1)).toBe(
      'In this browser one model has unsaved edits that the server does not have yet (it could not be reached). Signing out deletes them from this browser. Sign out anyway?',
    );
    expect(signOutQuestion(3)).toMatch(/^In this browser 3 models have unsaved edits .* Sign out anyway\?$/);
  });
});
