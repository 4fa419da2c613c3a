/**
 * Fuzzing the rule language (issue 9): arbitrary strings and grammar-shaped random rules never
 * throw from parseRule or compileRule (only a typed Result error), error columns point inside
 * the input, and a compiled rule evaluates on random interactions without throwing. Seeded for
 * reproducible CI runs; BULWARK_FUZZ_RUNS raises the number of runs, BULWARK_FUZZ_SEED changes
 * the seed. Every input that ever failed is kept in fuzz-fixtures/ and replayed here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type Result } from '../errors.js';
import type { PropertyValue } from '../model/ThreatModelSchema.js';
import { compileRule, type RuleContext, type RuleSubject } from './compileRule.js';
import { parseRule } from './parseRule.js';

const RUNS = Number(process.env.BULWARK_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.BULWARK_FUZZ_SEED ?? 9);
const params = { numRuns: RUNS, seed: SEED };
/** Vitest's per-test limit, grown with the number of runs. */
const TIMEOUT = 30_000 + RUNS * 10;
const FIXTURES = new URL('./fuzz-fixtures/', import.meta.url);

/** The Result contract: never a throw, an error has a catalogue code, a column inside the input. */
function checkResult(rule: string, result: Result<unknown>): void {
  if (result.ok) return;
  expect(Object.keys(ERROR_CODES)).toContain(result.error.code);
  expect(typeof result.error.message).toBe('string');
  if (result.error.column !== undefined) {
    expect(result.error.column).toBeGreaterThanOrEqual(1);
    // Column length + 1 is "end of rule".
    expect(result.error.column).toBeLessThanOrEqual(rule.length + 1);
  }
}

const typeNames = fc.constantFrom('GE.P', 'GE.DS', 'GE.EI', 'GE.DF', 'GE.TB.B', 'GE.TB.L', 'web', 'x', '');
const propValue: fc.Arbitrary<PropertyValue> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('Yes', 'No', 'True', 'False', 'HTTPS'),
  fc.boolean(),
  fc.double(),
  fc.integer(),
);
const attrNames = fc.constantFrom(
  'encrypted',
  'protocol',
  'constructor',
  '__proto__',
  'toString',
  'a',
  'hasOwnProperty',
);
const props = fc.dictionary(attrNames, propValue, { maxKeys: 4 });
const subject: fc.Arbitrary<RuleSubject> = fc.record({
  types: fc.uniqueArray(typeNames, { maxLength: 4 }).map((t) => new Set(t)),
  props,
  defaults: props,
});
const context: fc.Arbitrary<RuleContext> = fc.record(
  {
    source: subject,
    target: subject,
    flow: subject,
    element: subject,
    crossed: fc.uniqueArray(typeNames, { maxLength: 3 }).map((t) => new Set(t)),
  },
  { requiredKeys: [] },
);

/** Tokens of the language (see parseRule.ts), plus near misses, glued with random spacing. */
const token = fc.oneof(
  fc.constantFrom('source', 'target', 'flow', 'element', 'is', 'crosses', 'and', 'or', 'not', '(', ')', '.'),
  fc.constantFrom("'GE.P'", "'GE.DS'", "'True'", "'yes'", "''", "'", "'a b'", 'encrypted', 'protocol'),
  fc.constantFrom('[x]', 'a-b_1', '"', '\u00e9', '\t', '\n', '\u0000', '\uD800'),
  fc.string({ maxLength: 4 }),
);
const tokenSoup = fc
  .array(fc.tuple(token, fc.constantFrom(' ', '', '  ', '\n')), { maxLength: 30 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

/** Well-formed rules built from the grammar, so evaluation gets exercised. */
const { rule: grammarRule } = fc.letrec<{ rule: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    fc.tuple(fc.constantFrom('source', 'target', 'flow'), typeNames).map(([r, t]) => `${r} is '${t}'`),
    typeNames.map((t) => `flow crosses '${t}'`),
    fc
      .tuple(
        fc.constantFrom('source', 'target', 'flow'),
        attrNames,
        fc.constantFrom('Yes', 'no', 'True', 'HTTPS', '1', 'x'),
      )
      .map(([r, a, v]) => `${r}.${a} is '${v}'`),
  ),
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    tie('rule').map((r) => `not ${r}`),
    tie('rule').map((r) => `(${r})`),
    fc.tuple(tie('rule'), fc.constantFrom('and', 'or'), tie('rule')).map(([a, op, b]) => `${a} ${op} ${b}`),
  ),
}));

function parseBoth(rule: string): void {
  checkResult(rule, parseRule(rule));
  checkResult(rule, compileRule(rule, 'interaction'));
  checkResult(rule, compileRule(rule, 'element'));
}

describe('rule language fuzzing', () => {
  it(
    'parses and compiles arbitrary strings to a value or a typed error',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => parseBoth(s)),
        params,
      );
    },
    TIMEOUT,
  );

  it(
    'parses and compiles token soup to a value or a typed error',
    () => {
      fc.assert(
        fc.property(tokenSoup, (s) => parseBoth(s)),
        params,
      );
    },
    TIMEOUT,
  );

  it(
    'compiles grammar-shaped rules, and evaluates them on random interactions without throwing',
    () => {
      fc.assert(
        fc.property(grammarRule, fc.array(context, { minLength: 1, maxLength: 5 }), (rule, contexts) => {
          const compiled = compileRule(rule, 'interaction');
          checkResult(rule, compiled);
          if (!compiled.ok) return;
          for (const ctx of contexts) expect(typeof compiled.value.test(ctx)).toBe('boolean');
        }),
        params,
      );
    },
    TIMEOUT,
  );

  it(
    'evaluates element rules made of token soup on random elements without throwing',
    () => {
      fc.assert(
        fc.property(tokenSoup, context, (rule, ctx) => {
          const compiled = compileRule(rule, 'element');
          checkResult(rule, compiled);
          if (compiled.ok) expect(typeof compiled.value.test(ctx)).toBe('boolean');
        }),
        params,
      );
    },
    TIMEOUT,
  );

  it('refuses deep nesting with a typed error, not a stack overflow', () => {
    for (const depth of [101, 10_000, 100_000]) {
      parseBoth(`${'('.repeat(depth)}source is 'x'${')'.repeat(depth)}`);
      parseBoth(`${'not '.repeat(depth)}source is 'x'`);
    }
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')))('replays the regression fixture %s', (name) => {
    const rule = readFileSync(new URL(name, FIXTURES), 'utf8');
    parseBoth(rule);
    const compiled = compileRule(rule);
    if (compiled.ok) expect(typeof compiled.value.test({})).toBe('boolean');
  });
});
