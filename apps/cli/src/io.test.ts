import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, MAX_MODEL_BYTES, writeFileAtomic } from './io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-io-'));
  dirs.push(dir);
  return dir;
}

describe('writeFileAtomic', () => {
  it('writes text in pieces exactly, multi-byte characters across its buffer and pieces larger than it', () => {
    const file = join(scratch(), 'report.html');
    // About 9 MB of pieces with 2-, 3- and 4-byte UTF-8 characters, and one piece of 5 M characters.
    const pieces = Array.from({ length: 60_000 }, (_, i) => `<p>${i} → é · 🛡 ${'x'.repeat(i % 200)}</p>\n`);
    pieces.splice(30_000, 0, '→'.repeat(5_000_000));
    expect(writeFileAtomic(file, pieces).ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });

  it('keeps the old file and leaves no temp file when the pieces fail half-way', () => {
    const dir = scratch();
    const file = join(dir, 'report.html');
    writeFileSync(file, 'the old report');
    function* failing(): Generator<string> {
      yield 'a'.repeat(5_000_000);
      throw new Error('the renderer broke');
    }
    const result = writeFileAtomic(file, failing());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('the renderer broke');
    expect(readFileSync(file, 'utf8')).toBe('the old report');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('writes strings and bytes', () => {
    const dir = scratch();
    expect(writeFileAtomic(join(dir, 'a.txt'), 'ünïcode').ok).toBe(true);
    expect(writeFileAtomic(join(dir, 'b.bin'), new Uint8Array([0, 255, 1])).ok).toBe(true);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('ünïcode');
    expect([...readFileSync(join(dir, 'b.bin'))]).toEqual([0, 255, 1]);
  });

  it('removes the temp files of a killed write of the same file, not those of a running process', () => {
    const dir = scratch();
    // 4194305 is above Linux's highest process id: that process is gone (killed mid-write).
    const left = ['.m.json.4194305.1.tmp', `.m.json.${process.pid}.2.tmp`, '.other.json.4194305.3.tmp'];
    for (const f of left) writeFileSync(join(dir, f), 'partial');
    expect(writeFileAtomic(join(dir, 'm.json'), '{}').ok).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([`.m.json.${process.pid}.2.tmp`, '.other.json.4194305.3.tmp', 'm.json']);
  });
});

describe('loadModel', () => {
  it('refuses a file over the size it can read, saying the limit and what to do, without reading it', () => {
    const file = join(scratch(), 'huge.tm7');
    // Sparse: the size is there, the bytes are not.
    const fd = openSync(file, 'w');
    ftruncateSync(fd, MAX_MODEL_BYTES + 1);
    closeSync(fd);
    const r = loadModel(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.file).toBe(file);
    expect(r.error.message).toMatch(
      /^File is 500 MB: over the 500 MB Bulwark reads .*Keep a model this large as Bulwark JSON/,
    );
  });

  it('says the line and column of a JSON syntax error, even one JSON.parse gives no position for', () => {
    const file = join(scratch(), 'm.bulwark.json');
    writeFileSync(file, '{\n  "schemaVersion": 1,\n  "metadata": ]\n}\n');
    const r = loadModel(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'PARSE_SYNTAX', file, line: 3, column: 15 });
    expect(r.error.message).toMatch(
      /^Not valid JSON at line 3, column 15: expected a value .*found "\]"\. A \.yaml or \.yml extension/,
    );
  });

  it('reads a YAML model whose quoted text is indented less than YAML 1.2 allows, with a warning (issue 17.8)', () => {
    const file = join(scratch(), 'm.bulwark.yaml');
    const text = readFileSync(new URL('../../../examples/webshop.bulwark.yaml', import.meta.url), 'utf8');
    const broken = text.replace(/^( {2}description: ).*$/m, "$1'Shop\nat the margin'");
    expect(broken).not.toBe(text);
    writeFileSync(file, broken);
    const r = loadModel(file);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.model.metadata.description).toBe('Shop at the margin');
    expect(r.value.warnings).toEqual([expect.stringMatching(/^The quoted text at line \d+, column 16 continues/)]);
  });

  it('puts the line of every schema problem of a YAML file on it', () => {
    const file = join(scratch(), 'm.bulwark.yaml');
    writeFileSync(
      file,
      'schemaVersion: 1\nmetadata:\n  name: Shop\ntemplate: { id: stride }\ndiagrams:\n  - id: d\n    name: D\n    elements:\n      - id: a\n        kind: proces\n        name: A\n        typeId: GE.P\n        position: { x: 0, y: 0 }\n',
    );
    const r = loadModel(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.details?.every((d) => d.line !== undefined)).toBe(true);
  });

  it('puts the line of every schema problem of a JSON file on it too', () => {
    const file = join(scratch(), 'm.bulwark.json');
    const model = {
      schemaVersion: 1,
      metadata: { name: 'Shop' },
      template: { id: 'stride' },
      diagrams: [{ id: 'd', name: 'D', elements: [{ id: 'a', kind: 'proces', name: 'A', typeId: 'GE.P' }] }],
    };
    const text = JSON.stringify(model, null, 2);
    writeFileSync(file, text);
    const r = loadModel(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const line = text.split('\n').findIndex((l) => l.includes('"kind": "proces"')) + 1;
    expect(r.error.details?.find((d) => d.path?.endsWith('.kind'))).toMatchObject({ line });
  });
});
