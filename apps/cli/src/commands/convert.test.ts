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

  it('writes a Bulwark model as a .tm7 that analyses to the same interaction threats, and says what it leaves out', () => {
    const dir = tempDir();
    const example = join(ROOT, 'examples/infrastructure.bulwark.json');
    const r = runCli(['convert', example, '-o', 'infra.tm7'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('assets left out');
    expect(r.stderr).toContain('bi-directional flows written as two connectors');
    const ours = JSON.parse(runCli(['analyze', example, '--format', 'json'], dir).stdout);
    const theirs = JSON.parse(runCli(['analyze', 'infra.tm7', '--format', 'json'], dir).stdout);
    const titles = (out: { threats: { title: string; elementId: string | null }[] }) =>
      out.threats
        .filter((t) => t.elementId === null)
        .map((t) => t.title.replace(' (grouped)', ''))
        .sort();
    expect(titles(theirs)).toEqual(titles(ours));
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
