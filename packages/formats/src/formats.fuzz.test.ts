/**
 * Fuzzing the importers (issue 9): every format's `read`, importTb7, parseModel and
 * parseTemplate fed random structures and mutated real files (character flips, truncation,
 * duplicated or removed ranges, keys and XML elements, huge numbers, deep nesting) from
 * ../fixtures and, when present, ../shared/corpus. Only Result errors may come back: no uncaught
 * exception, no input taking over 1 s of CPU, no heap jump over 200 MB. Seeded for reproducible CI
 * runs; BULWARK_FUZZ_RUNS raises the runs and BULWARK_FUZZ_SEED changes the seed. A failing
 * input is written to ../fixtures/fuzz/, whose every file is replayed on each run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, parseModel, parseTemplate, type Result } from '@bulwark/core';
import { parseYamlText } from '@bulwark/templates';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { MODEL_FORMATS } from './registry.js';
import { importTb7 } from './tb7.js';

const RUNS = Number(process.env.BULWARK_FUZZ_RUNS ?? 60);
const SEED = Number(process.env.BULWARK_FUZZ_SEED ?? 9);
const MAX_MS = 1000;
const MAX_HEAP_JUMP = 200 * 1024 * 1024;
/** Corpus files larger than this are left out of mutation: each run re-reads its whole text. */
const MAX_SEED_BYTES = 200_000;
/** Vitest's per-test limit, grown with the number of runs. */
const TIMEOUT = 30_000 + RUNS * 1000;

const ROOT = new URL('../../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'packages/formats/fixtures');
const FUZZ_FIXTURES = join(FIXTURES, 'fuzz');
const CORPUS = join(ROOT, '../shared/corpus');

type Reader = { name: string; read: (text: string) => Result<unknown> | undefined };

/** Text parsed as JSON, else YAML (as the CLI and the server load model and template files). */
function data(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    const yaml = parseYamlText(text, 'fuzz.yaml');
    return yaml.ok ? { value: yaml.value.data } : undefined;
  }
}

const READERS: Reader[] = [
  ...MODEL_FORMATS.flatMap((f): Reader[] => {
    const { read, detect } = f;
    return [
      ...(read ? [{ name: `${f.id}.read`, read: (t: string) => read(t, `fuzz.${f.id}`) }] : []),
      ...(detect
        ? [
            {
              name: `${f.id}.detect`,
              read: (t: string) => {
                detect(t);
                return undefined;
              },
            },
          ]
        : []),
    ];
  }),
  { name: 'importTb7', read: (t) => importTb7(t, 'fuzz.tb7') },
  { name: 'parseModel', read: (t) => parseModel(data(t)?.value, 'fuzz.json') },
  { name: 'parseTemplate', read: (t) => parseTemplate(data(t)?.value, 'fuzz.json') },
];

/** What went wrong with one input in one reader, or undefined when it kept the contract. */
function misbehaviour(reader: Reader, run: () => Result<unknown> | undefined): string | undefined {
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let result: Result<unknown> | undefined;
  try {
    result = run();
  } catch (e) {
    return `${reader.name} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  // CPU time is the limit (another process on a busy 2-core machine must not fail the test);
  // wall time only catches what blocks without computing.
  const cpu = process.cpuUsage(cpuStart);
  const ms = (cpu.user + cpu.system) / 1000;
  const wall = performance.now() - start;
  const jump = process.memoryUsage().heapUsed - heapBefore;
  if (process.env.BULWARK_FUZZ_VERBOSE && ms > MAX_MS / 10) console.log(`${reader.name}: ${Math.round(ms)} ms`);
  if (ms > MAX_MS || wall > 10 * MAX_MS)
    return `${reader.name} took ${Math.round(ms)} ms of CPU (${Math.round(wall)} ms)`;
  if (jump > MAX_HEAP_JUMP) return `${reader.name} grew the heap by ${Math.round(jump / 2 ** 20)} MB`;
  if (result && !result.ok) {
    const { error } = result;
    if (!(error.code in ERROR_CODES) || typeof error.message !== 'string') {
      return `${reader.name} returned a malformed error: ${JSON.stringify(error).slice(0, 300)}`;
    }
  }
  return undefined;
}

function checkText(text: string): void {
  const problems = READERS.map((r) => misbehaviour(r, () => r.read(text))).filter((p) => p !== undefined);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

function checkData(value: unknown): void {
  const problems = [
    misbehaviour(READERS[READERS.length - 2] as Reader, () => parseModel(value, 'fuzz.json')),
    misbehaviour(READERS[READERS.length - 1] as Reader, () => parseTemplate(value, 'fuzz.json')),
  ].filter((p) => p !== undefined);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** Runs a property; on failure keeps the input as a regression fixture, then fails with fast-check's report. */
function fuzz<T>(arb: fc.Arbitrary<T>, toText: (input: T) => string, check: (input: T) => void): void {
  const details = fc.check(
    fc.property(arb, (input) => check(input)),
    { numRuns: RUNS, seed: SEED },
  );
  if (details.failed && details.counterexample) {
    const text = toText(details.counterexample[0]);
    const name = `${createHash('sha1').update(text).digest('hex').slice(0, 12)}.txt`;
    writeFileSync(join(FUZZ_FIXTURES, name), text);
    console.error(`fuzzing: kept the failing input as fixtures/fuzz/${name}`);
  }
  fc.assert(
    fc.property(arb, (input) => check(input)),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const seedPaths = [
  ...readdirSync(FIXTURES)
    .filter((f) => f.includes('.'))
    .map((f) => join(FIXTURES, f)),
  join(ROOT, 'examples/infrastructure.bulwark.json'),
  join(ROOT, 'packages/templates/templates/stride.yaml'),
  ...(existsSync(CORPUS)
    ? files(CORPUS).filter((f) => /\.(tm7|tb7|json|ya?ml|otm)$/.test(f) && statSync(f).size <= MAX_SEED_BYTES)
    : []),
].sort();
if (!existsSync(CORPUS)) console.log(`fuzzing: ${CORPUS} is absent, mutating only the repository's fixtures`);
const seeds = seedPaths.map((p) => readFileSync(p, 'utf8'));

const HUGE = ['1e999999', '9'.repeat(400), '-0', 'NaN', '1.7976931348623157e309', '-99999999999999999999'];
const ODD = ['<', '>', '"', "'", '{', '}', '[', ']', ':', ',', '\u0000', '\uFFFF', '\uD800', '&', '#', '-', '\n', 'é'];

/** One edit at positions picked by a, b (fractions of the text's length through modulo). */
const mutation = fc.record({
  kind: fc.constantFrom(
    'flip',
    'truncate',
    'remove',
    'duplicate',
    'huge-number',
    'deep-nesting',
    'xml-element',
    'json-key',
  ),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const n = Math.max(1, text.length);
  const at = m.a % n;
  const len = 1 + (m.b % Math.min(n, 2000));
  switch (m.kind) {
    case 'flip':
      return text.slice(0, at) + (ODD[m.c % ODD.length] as string) + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'remove':
      return text.slice(0, at) + text.slice(at + len);
    case 'duplicate':
      return text.slice(0, at + len) + text.slice(at, at + len) + text.slice(at + len);
    case 'huge-number': {
      const digits = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      const hit = digits[m.c % Math.max(1, digits.length)];
      const huge = HUGE[m.b % HUGE.length] as string;
      if (!hit || hit.index === undefined) return text.slice(0, at) + huge + text.slice(at);
      return text.slice(0, hit.index) + huge + text.slice(hit.index + hit[0].length);
    }
    case 'deep-nesting': {
      const depth = 1000 + (m.c % 20_000);
      const open = ['[', '{"a":', '<a>', '- ', '  '][m.b % 5] as string;
      return text.slice(0, at) + open.repeat(depth) + text.slice(at);
    }
    case 'xml-element': {
      // Duplicate (c even) or remove (c odd) the element that starts at the first tag from `at`.
      const start = text.indexOf('<', at);
      if (start < 0) return text;
      const name = /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(start))?.[1];
      if (!name) return text;
      const close = text.indexOf(`</${name}>`, start);
      if (close < 0) return text;
      const end = close + name.length + 3;
      const element = text.slice(start, end);
      return m.c % 2 === 0 ? text.slice(0, end) + element + text.slice(end) : text.slice(0, start) + text.slice(end);
    }
    case 'json-key': {
      // Duplicate (c % 3 = 0), remove (1) or blank (2) the `"key": value` line or member from `at`.
      const start = text.indexOf('"', at);
      if (start < 0) return text;
      const lineEnd = text.indexOf('\n', start);
      const end = lineEnd < 0 ? text.length : lineEnd + 1;
      const member = text.slice(text.lastIndexOf('\n', start) + 1, end);
      const from = end - member.length;
      if (m.c % 3 === 0) return text.slice(0, end) + member + text.slice(end);
      if (m.c % 3 === 1) return text.slice(0, from) + text.slice(end);
      return `${text.slice(0, from)}${member.replace(/:.*$/s, ': null,\n')}${text.slice(end)}`;
    }
  }
}

const mutatedFile = fc
  .record({ seed: fc.nat({ max: seeds.length - 1 }), edits: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
  .map(({ seed, edits }) => edits.reduce(mutate, seeds[seed] as string));

describe('importer fuzzing', () => {
  it(
    `reads ${seeds.length} seed files without misbehaving`,
    () => {
      for (const text of seeds) checkText(text);
    },
    TIMEOUT,
  );

  it(
    'reads mutated real files to a model or a typed error, each in under 1 s',
    () => {
      fuzz(mutatedFile, (t) => t, checkText);
    },
    TIMEOUT,
  );

  it(
    'reads random JSON texts to a model or a typed error',
    () => {
      fuzz(
        fc.jsonValue({ maxDepth: 6 }),
        (v) => JSON.stringify(v),
        (v) => checkText(JSON.stringify(v)),
      );
    },
    TIMEOUT,
  );

  it(
    'parses random structures as models and templates to a value or a typed error',
    () => {
      fuzz(fc.anything({ maxDepth: 5 }), (v) => JSON.stringify(v) ?? 'undefined', checkData);
    },
    TIMEOUT,
  );

  it(
    'parses mutated real models and templates as structures',
    () => {
      const shaped = fc.constantFrom(...seeds.map((s) => data(s)?.value).filter((v) => typeof v === 'object'));
      const edited = fc.tuple(shaped, fc.anything({ maxDepth: 3 }), fc.nat()).map(([value, junk, at]) => {
        // Replace one member somewhere in the structure by junk.
        const copy = structuredClone(value) as Record<string, unknown>;
        let node: unknown = copy;
        for (let depth = 0; depth < 1 + (at % 5); depth++) {
          if (typeof node !== 'object' || node === null) break;
          const keys = Object.keys(node);
          if (keys.length === 0) break;
          const key = keys[(at >> depth) % keys.length] as string;
          const child = (node as Record<string, unknown>)[key];
          if (typeof child !== 'object' || child === null || depth === at % 5) {
            (node as Record<string, unknown>)[key] = junk;
            break;
          }
          node = child;
        }
        return copy;
      });
      fuzz(edited, (v) => JSON.stringify(v), checkData);
    },
    TIMEOUT,
  );

  const kept = readdirSync(FUZZ_FIXTURES).filter((f) => f.endsWith('.txt'));
  it.each(kept)('replays the regression fixture fuzz/%s', (name) => {
    checkText(readFileSync(join(FUZZ_FIXTURES, name), 'utf8'));
  });
});
