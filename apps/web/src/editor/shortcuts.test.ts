import { describe, expect, it } from 'vitest';
import { stepSplit } from '../threats/splitSize.js';
import { triageKey } from '../threats/threatList.js';
import { opensShortcuts, SHORTCUT_GROUPS, shortcutsOf } from './shortcuts.js';

const PRIORITIES = ['High', 'Medium', 'Low'];

describe('the shortcuts table', () => {
  it('lists every group once, each with shortcuts that say what they do', () => {
    const ids = SHORTCUT_GROUPS.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of SHORTCUT_GROUPS) {
      expect(g.shortcuts.length).toBeGreaterThan(0);
      for (const s of g.shortcuts) {
        expect(s.keys.length).toBeGreaterThan(0);
        expect(s.does).not.toBe('');
      }
    }
  });

  it('names only triage keys the threats list really handles', () => {
    const single = shortcutsOf('threats')
      .flatMap((s) => s.keys)
      .filter((k) => /^[a-z0-9]$/.test(k));
    expect(single.sort()).toEqual(['1', '2', '3', '4', 'h', 'j', 'k', 'l', 'm']);
    for (const key of single) expect(triageKey({ key }, PRIORITIES), key).toBeDefined();
  });

  it('gives the statuses in the order the number keys set them', () => {
    const statuses = ['1', '2', '3', '4'].map((key) => {
      const t = triageKey({ key }, PRIORITIES);
      return t?.kind === 'status' ? t.status : undefined;
    });
    expect(statuses).toEqual(['not-started', 'needs-investigation', 'not-applicable', 'mitigated']);
    const line = shortcutsOf('threats').find((s) => s.keys.includes('1'));
    expect(line?.does).toBe('status: not started, needs investigation, not applicable, mitigated');
  });

  it("names the separator's keys as splitSize handles them", () => {
    const named = { '↑': 'ArrowUp', '↓': 'ArrowDown', Home: 'Home', End: 'End' } as const;
    const keys = shortcutsOf('split').flatMap((s) => s.keys) as (keyof typeof named)[];
    for (const k of keys) expect(stepSplit(300, named[k], false, 900), k).toBeDefined();
  });
});

describe('opensShortcuts', () => {
  it('opens on "?" outside fields only, and not with Ctrl, Alt or Meta', () => {
    expect(opensShortcuts({ key: '?', target: { tagName: 'DIV' } })).toBe(true);
    expect(opensShortcuts({ key: '?', target: null })).toBe(true);
    expect(opensShortcuts({ key: '/', target: { tagName: 'DIV' } })).toBe(false);
    expect(opensShortcuts({ key: '?', ctrlKey: true })).toBe(false);
    expect(opensShortcuts({ key: '?', altKey: true })).toBe(false);
    expect(opensShortcuts({ key: '?', metaKey: true })).toBe(false);
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT'])
      expect(opensShortcuts({ key: '?', target: { tagName } })).toBe(false);
    expect(opensShortcuts({ key: '?', target: { tagName: 'DIV', isContentEditable: true } })).toBe(false);
  });
});
