/**
 * parseYamlText: what it refuses (with line and column), and the one leniency it shares with
 * PyYAML and js-yaml (quoted text whose lines are indented too little), read with a warning.
 * Then every YAML file of ../shared/corpus (read, never copied): read, or refused with a line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlText } from './index.js';

function read(text: string) {
  const r = parseYamlText(text, 'm.yaml');
  if (!r.ok) throw new Error(`refused: ${r.error.message} (line ${r.error.line}, column ${r.error.column})`);
  return { data: r.value.data, warnings: r.value.warnings };
}

function refusal(text: string) {
  const r = parseYamlText(text, 'm.yaml');
  if (r.ok) throw new Error('read, expected a refusal');
  return r.error;
}

describe('parseYamlText, quoted text indented less than YAML 1.2 allows', () => {
  it.each([
    [
      'a single-quoted snippet back at its key',
      "item:\n  code:\n    'if (x) {\n    run();\n  }'\n  line: 3\n",
      { item: { code: 'if (x) { run(); }', line: 3 } },
      'line 3, column 5',
    ],
    [
      'a double-quoted value with escapes and doubled lines',
      'list:\n  - text: "say \\"hi\\", then\n  and\n\n  go\\tnow"\n    next: 1\n',
      { list: [{ text: 'say "hi", then and\ngo\tnow', next: 1 }] },
      'line 2, column 11',
    ],
    [
      "doubled quotes ('') inside single quotes",
      "a:\n  b: 'it''s\n  ''fine'''\n  c: 2\n",
      { a: { b: "it's 'fine'", c: 2 } },
      'line 2, column 6',
    ],
    ['Windows line ends', "a:\r\n  b: 'one\r\n  two'\r\n", { a: { b: 'one two' } }, 'line 2, column 6'],
  ])('reads %s as PyYAML does, with a warning naming the place', (_name, text, data, where) => {
    const got = read(text);
    expect(got.data).toEqual(data);
    expect(got.warnings).toEqual([
      `The quoted text at ${where} continues on lines indented less than YAML 1.2 allows: read as PyYAML and js-yaml read it. Indent those lines further to make the file valid YAML 1.2.`,
    ]);
  });

  it('counts several such texts in one warning', () => {
    const got = read("a:\n  b: 'x\n  y'\n  c: 'z\n  w'\n");
    expect(got.data).toEqual({ a: { b: 'x y', c: 'z w' } });
    expect(got.warnings).toHaveLength(1);
    expect(got.warnings[0]).toMatch(/^2 quoted texts \(the first at line 2, column 6\) continue/);
  });

  it('reads valid YAML without a warning', () => {
    expect(read("a:\n  b: 'x\n   y'\n").warnings).toEqual([]);
  });

  it.each([
    ['a quote never closed', "a: 'open\nb: 1\n", 'Missing closing', 3],
    ['a document marker inside quotes', "a:\n  b: 'x\n---\n  y'\n", 'Missing closing', 2],
    ['a re-indent that leaves other errors', "a:\n  b: 'x\n  y'\n  c: [1\n", 'Missing closing', 2],
    ['duplicate keys beside such a text', "a:\n  b: 'x\n  y'\na: 2\n", 'Missing closing', 2],
    ['duplicate keys', 'a: 1\nb: 2\na: 3\n', 'unique', 3],
    ['a syntax error', 'a: 1\n b: 2\n', 'compact mappings', 1],
  ])('still refuses %s, with the line of the original text', (_name, text, message, line) => {
    const error = refusal(text);
    expect(error.code).toBe('PARSE_SYNTAX');
    expect(error.message).toContain(message);
    expect(error.line).toBe(line);
    expect(error.column).toBeGreaterThan(0);
  });

  it('says what to do about a flow collection closed at its key (not repaired: PyYAML reads it, YAML 1.2 does not)', () => {
    const error = refusal('a:\n  b: [x,\n  y]\n');
    expect(error.message).toMatch(
      /^Not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]\. Indent the lines inside the brackets further than the key they belong to/,
    );
    expect([error.line, error.column]).toEqual([3, 3]);
  });

  it('still refuses alias bombs and absurd nesting', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${String.fromCharCode(96 + i)}, `.repeat(9)}*${String.fromCharCode(96 + i)}]`,
      );
    expect(refusal(`${bomb.join('\n')}\n`).message).toMatch(/^Not usable YAML/);
    expect(refusal(`${'['.repeat(1001)}${']'.repeat(1001)}`).message).toMatch(/nests deeper/);
  });
});

const CORPUS = new URL('../../../../shared/corpus', import.meta.url).pathname;
const present = existsSync(CORPUS);
if (!present)
  console.warn(`skipping the YAML corpus test: ${CORPUS} is absent (it lives in ../shared beside the repository)`);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : yamlFiles(path);
    return /\.ya?ml$/i.test(name) ? [path] : [];
  });
}

describe.skipIf(!present)('every YAML file of the corpus', () => {
  const files = present ? yamlFiles(CORPUS) : [];

  it('reads, or is refused with the line and column of the problem', () => {
    expect(files.length).toBeGreaterThanOrEqual(80);
    const tally = { read: 0, readWithWarning: 0, refused: 0 };
    for (const file of files) {
      const r = parseYamlText(readFileSync(file, 'utf8'), file);
      if (r.ok) tally[r.value.warnings.length > 0 ? 'readWithWarning' : 'read']++;
      else {
        tally.refused++;
        expect(r.error.code, file).toBe('PARSE_SYNTAX');
        expect(r.error.line, file).toBeGreaterThan(0);
        expect(r.error.column, file).toBeGreaterThan(0);
      }
    }
    console.info(`corpus YAML files: ${JSON.stringify(tally)}`);
    expect(tally.readWithWarning).toBeGreaterThanOrEqual(1);
  });

  it("reads the Open Threat Model project's EXAMPLE.yaml as its EXAMPLE.json, with a warning", () => {
    const dir = join(CORPUS, 'otm/OpenThreatModel');
    const r = parseYamlText(readFileSync(join(dir, 'EXAMPLE.yaml'), 'utf8'), 'EXAMPLE.yaml');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.data).toEqual(JSON.parse(readFileSync(join(dir, 'EXAMPLE.json'), 'utf8')));
    expect(r.value.warnings).toEqual([expect.stringMatching(/^The quoted text at line 128, column 11 continues/)]);
  });
});
