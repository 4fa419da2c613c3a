import { checkExamples, resolveTemplate, ruleReferenceWarnings } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATE_IDS, loadBuiltinTemplate } from './index.js';

/** What each built-in template promises at least. */
const MIN_THREAT_TYPES: Record<(typeof BUILTIN_TEMPLATE_IDS)[number], number> = {
  stride: 40,
  infrastructure: 30,
  cia: 20,
  privacy: 25,
};

describe.each(BUILTIN_TEMPLATE_IDS)('built-in template %s', (id) => {
  const loaded = loadBuiltinTemplate(id);

  it(`has at least ${MIN_THREAT_TYPES[id]} threat types`, () => {
    expect(loaded.ok && loaded.value.threatTypes.length).toBeGreaterThanOrEqual(MIN_THREAT_TYPES[id]);
  });

  it('validates against the template schema', () => {
    expect(loaded.ok ? [] : loaded.error).toEqual([]);
  });

  it('resolves, with every rule compiling', () => {
    if (!loaded.ok) return;
    const resolved = resolveTemplate(loaded.value);
    expect(resolved.ok ? [] : resolved.error).toEqual([]);
    if (resolved.ok) {
      expect(resolved.value.ruleProblems).toEqual([]);
      expect(ruleReferenceWarnings(resolved.value)).toEqual([]);
    }
  });

  it('produces and withholds each threat exactly as its examples say', () => {
    if (!loaded.ok) return;
    const resolved = resolveTemplate(loaded.value);
    if (!resolved.ok) return;
    const failures = checkExamples(resolved.value, { requireExamples: true });
    expect(failures.map((f) => `${f.threatTypeId} ${f.expectation}[${f.index}]: ${f.message}`)).toEqual([]);
  });

  it('has threat types in every category it defines', () => {
    if (!loaded.ok) return;
    const used = new Set(loaded.value.threatTypes.map((t) => t.category));
    expect(loaded.value.categories.filter((c) => !used.has(c.id)).map((c) => c.id)).toEqual([]);
  });
});

describe('loading templates', () => {
  it('names the built-in templates when asked for an unknown one', () => {
    const r = loadBuiltinTemplate('nope');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('TEMPLATE_UNKNOWN');
      expect(r.error.message).toContain('stride');
    }
  });
});
