import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

const TM7 = join(ROOT, 'packages/formats/fixtures/minimal.tm7');

describe('bulwark convert', () => {
  it('converts a .tm7 (recognised by content) to Bulwark JSON, keeping its template so the result analyses the same', () => {
    const dir = tempDir();
    const r = runCli(['convert', TM7, '-o', 'shop.bulwark.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(tm7) -> shop.bulwark.json (json)');
    expect(r.stderr).toContain('was saved to');
    expect(existsSync(join(dir, '.bulwark/templates/44444444-0000-4000-8000-000000000001.json'))).toBe(true);
    const before = JSON.parse(runCli(['analyze', TM7, '--format', 'json'], dir).stdout);
    const after = JSON.parse(runCli(['analyze', 'shop.bulwark.json', '--format', 'json'], dir).stdout);
    expect(after.threats).toEqual(before.threats);
  });

  it('converts JSON to YAML and back without changes', () => {
    const dir = tempDir();
    expect(
      runCli(['convert', join(ROOT, 'examples/infrastructure.bulwark.json'), '-o', 'infra.bulwark.yaml'], dir).code,
    ).toBe(0);
    expect(runCli(['convert', 'infra.bulwark.yaml', '-o', 'infra.bulwark.json'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'infra.bulwark.json'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8'),
    );
  });

  it('refuses to overwrite, to guess an unknown output format, and to read what is not a model', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taken.bulwark.json'), 'mine');
    const taken = runCli(['convert', TM7, '-o', 'taken.bulwark.json'], dir);
    expect(taken.code).toBe(1);
    expect(readFileSync(join(dir, 'taken.bulwark.json'), 'utf8')).toBe('mine');
    expect(runCli(['convert', TM7, '-o', 'out.docx'], dir).code).toBe(2);
    writeFileSync(join(dir, 'zip.tm7'), 'PK\u0003\u0004 not really');
    const zip = runCli(['convert', 'zip.tm7', '-o', 'x.bulwark.json'], dir);
    expect(zip.code).toBe(1);
    expect(zip.stderr).toContain('ZIP archive');
    expect(existsSync(join(dir, 'x.bulwark.json'))).toBe(false);
  });
});
