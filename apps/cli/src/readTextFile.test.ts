import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, MAX_MODEL_BYTES } from './io.js';
import { readTextFile } from './readTextFile.js';
import { runCli } from './testing/runCli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp dir with a model folder `model/` (where m.yaml goes) and a file beside it, outside. */
function scratch(): { dir: string; model: string; outside: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-includes-'));
  dirs.push(dir);
  const model = join(dir, 'model');
  mkdirSync(model);
  const outside = join(dir, 'secret.yaml');
  writeFileSync(outside, 'technical_assets:\n  Secret: { id: secret, type: process }\n');
  return { dir, model, outside };
}

/** Writes `model/m.yaml` including `include`, returns its path. */
function modelIncluding(model: string, include: string): string {
  const file = join(model, 'm.yaml');
  writeFileSync(file, `threagile_version: 1.0.0\ntitle: Split\nincludes: [${JSON.stringify(include)}]\n`);
  return file;
}

function refusal(file: string): string {
  const r = loadModel(file);
  if (r.ok) throw new Error(`read: ${JSON.stringify(r.value.model.diagrams)}`);
  return r.error.message;
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

const LIMIT = { limit: 1000, tooLarge: (size: number | undefined) => `too large (${size ?? 'while reading'})` };

describe('Threagile includes read by the CLI', () => {
  it('follows includes nested inside the model folder, relative to the file naming them', () => {
    const { model } = scratch();
    mkdirSync(join(model, 'parts/more'), { recursive: true });
    writeFileSync(join(model, 'parts/a.yaml'), 'includes: [more/b.yaml, ../c.yaml]\n');
    writeFileSync(join(model, 'parts/more/b.yaml'), 'technical_assets:\n  Web: { id: web, type: process }\n');
    writeFileSync(join(model, 'c.yaml'), 'technical_assets:\n  DB: { id: db, type: datastore }\n');
    const r = loadModel(modelIncluding(model, 'parts/a.yaml'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.model.diagrams[0]?.elements.map((e) => e.id)).toEqual(['web', 'db']);
  });

  it('refuses an absolute path out of the model folder, naming the include, the file and what to do', () => {
    const { model, outside, dir } = scratch();
    const file = modelIncluding(model, outside);
    const r = loadModel(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe(
      `${file} includes ${outside}, which could not be read: ${outside} is outside the model's folder ${join(dir, 'model')}, and a model may include only files in its own folder and the folders below it. Copy the file into the model's folder and include it by a relative path.`,
    );
  });

  it('refuses ../ out of the model folder, also from a nested include and when it climbs back in elsewhere', () => {
    const { model, dir } = scratch();
    expect(refusal(modelIncluding(model, '../secret.yaml'))).toContain(
      `includes ../secret.yaml, which could not be read: ${join(dir, 'secret.yaml')} is outside the model's folder`,
    );
    mkdirSync(join(model, 'parts'));
    writeFileSync(join(model, 'parts/a.yaml'), 'includes: [../../secret.yaml]\n');
    expect(refusal(modelIncluding(model, 'parts/a.yaml'))).toContain(
      `parts/a.yaml includes ../../secret.yaml, which could not be read: ${join(dir, 'secret.yaml')} is outside`,
    );
    // A sibling folder whose name starts like the model folder's is still outside it.
    mkdirSync(join(dir, 'model2'));
    writeFileSync(join(dir, 'model2/x.yaml'), 'title: x\n');
    expect(refusal(modelIncluding(model, '../model2/x.yaml'))).toContain('is outside the model');
  });

  it('refuses a symbolic link inside the folder that points out of it, and a linked folder', () => {
    const { model, outside, dir } = scratch();
    symlinkSync(outside, join(model, 'innocent.yaml'));
    expect(refusal(modelIncluding(model, 'innocent.yaml'))).toContain(
      `${join(model, 'innocent.yaml')} (through a symbolic link, it is ${outside}) is outside the model's folder`,
    );
    symlinkSync(dir, join(model, 'up'));
    expect(refusal(modelIncluding(model, 'up/secret.yaml'))).toContain('is outside the model');
    // A link that stays inside is fine.
    writeFileSync(join(model, 'real.yaml'), 'technical_assets:\n  Web: { id: web, type: process }\n');
    symlinkSync(join(model, 'real.yaml'), join(model, 'alias.yaml'));
    const r = loadModel(modelIncluding(model, 'alias.yaml'));
    expect(r.ok && r.value.model.diagrams[0]?.elements.map((e) => e.id)).toEqual(['web']);
  });

  it('refuses a directory, a FIFO and a file over the size limit, without waiting or reading it', () => {
    const { model } = scratch();
    mkdirSync(join(model, 'folder.yaml'));
    expect(refusal(modelIncluding(model, 'folder.yaml'))).toContain(
      'includes folder.yaml, which could not be read: Cannot read the file: it is a directory, and only regular files are read.',
    );
    mkfifo(join(model, 'pipe.yaml'));
    const started = Date.now();
    expect(refusal(modelIncluding(model, 'pipe.yaml'))).toContain(
      'includes pipe.yaml, which could not be read: Cannot read the file: it is a named pipe (FIFO), and only regular files are read.',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const fd = openSync(join(model, 'huge.yaml'), 'w');
    ftruncateSync(fd, MAX_MODEL_BYTES + 1); // sparse: the size is there, the bytes are not
    closeSync(fd);
    expect(refusal(modelIncluding(model, 'huge.yaml'))).toMatch(
      /includes huge\.yaml, which could not be read: File is 500 MB: over the 500 MB Bulwark reads/,
    );
  });

  it('bulwark validate refuses an include of /dev/zero and of a FIFO at once (it used to hang)', () => {
    const { model, dir } = scratch();
    modelIncluding(model, '/dev/zero');
    const zero = runCli(['validate', 'model/m.yaml'], dir);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('includes /dev/zero, which could not be read: /dev/zero is outside the model');
    mkfifo(join(model, 'pipe.yaml'));
    modelIncluding(model, 'pipe.yaml');
    const fifo = runCli(['validate', 'model/m.yaml'], dir);
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain('it is a named pipe (FIFO), and only regular files are read');
  });

  it('a template named by a device or a FIFO is refused at once (it used to hang)', () => {
    const { model, dir } = scratch();
    writeFileSync(
      join(model, 'plain.yaml'),
      'schemaVersion: 1\nmetadata: { name: x }\ntemplate: { id: stride }\ndiagrams: []\n',
    );
    mkfifo(join(model, 'pipe.yaml'));
    for (const template of ['/dev/zero', 'model/pipe.yaml']) {
      const started = Date.now();
      const r = runCli(['analyze', 'model/plain.yaml', '--template', template], dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('it is not a regular file');
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('bulwark validate reads includes of a model named by a relative path with a folder', () => {
    const { model, dir } = scratch();
    mkdirSync(join(model, 'parts'));
    writeFileSync(join(model, 'parts/a.yaml'), 'technical_assets:\n  Web: { id: web, type: process }\n');
    modelIncluding(model, 'parts/a.yaml');
    const r = runCli(['validate', 'model/m.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('readTextFile', () => {
  it('refuses a device, for includes and for a model file alike (a device reports size 0)', () => {
    for (const kinds of ['regular', 'regular-or-pipe'] as const) {
      const r = readTextFile('/dev/zero', { ...LIMIT, kinds });
      expect(!r.ok && r.error.message).toBe(
        'Cannot read the file: it is a device, and only regular files are read. Give a file.',
      );
    }
  });

  it('reads a model from a pipe, checking the size while reading', async () => {
    const { model } = scratch();
    const pipe = join(model, 'pipe');
    mkfifo(pipe);
    const writer = (bytes: number) => {
      const child = spawn('sh', ['-c', `head -c ${bytes} /dev/zero | tr '\\0' x > '${pipe}'`]);
      return new Promise((done) => child.on('exit', done));
    };
    let done = writer(1000);
    expect(readTextFile(pipe, { ...LIMIT, kinds: 'regular-or-pipe' })).toEqual({ ok: true, value: 'x'.repeat(1000) });
    await done;
    done = writer(1001);
    const over = readTextFile(pipe, { ...LIMIT, kinds: 'regular-or-pipe' });
    expect(!over.ok && over.error.message).toBe('too large (while reading)');
    await done;
  });

  it('refuses a regular file over the limit by its size, and reads one at the limit', () => {
    const { model } = scratch();
    writeFileSync(join(model, 'a'), 'é'.repeat(500));
    expect(readTextFile(join(model, 'a'), { ...LIMIT, kinds: 'regular' })).toEqual({
      ok: true,
      value: 'é'.repeat(500),
    });
    writeFileSync(join(model, 'b'), 'x'.repeat(1001));
    const r = readTextFile(join(model, 'b'), { ...LIMIT, kinds: 'regular' });
    expect(!r.ok && r.error.message).toBe('too large (1001)');
  });
});
