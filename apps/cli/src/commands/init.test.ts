import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/runCli.js';

describe('bulwark init', () => {
  it('creates a valid starter model for each built-in template, in JSON or YAML', () => {
    const dir = tempDir();
    for (const [file, template] of [
      ['shop.bulwark.json', 'stride'],
      ['net.bulwark.yaml', 'infrastructure'],
    ] as const) {
      const r = runCli(['init', file, '--template', template], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`created ${file}`);
      expect(runCli(['validate', file], dir).code).toBe(0);
    }
    expect(JSON.parse(readFileSync(join(dir, 'shop.bulwark.json'), 'utf8')).metadata.name).toBe('shop');
    expect(readFileSync(join(dir, 'net.bulwark.yaml'), 'utf8')).toContain('id: infrastructure');
  });

  it('never overwrites a file unless told to, and refuses unknown templates', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mine.bulwark.json'), 'precious');
    const r = runCli(['init', 'mine.bulwark.json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists; nothing was written');
    expect(readFileSync(join(dir, 'mine.bulwark.json'), 'utf8')).toBe('precious');
    const bad = runCli(['init', 'x.bulwark.json', '--template', 'nope'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown template "nope"');
  });
});
