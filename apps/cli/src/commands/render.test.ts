import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '@bulwark/formats';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

/** The number of elements an SVG draws, after checking it parses as XML. */
function drawn(svg: string): number {
  const doc = parseXml(svg, 'out.svg');
  if (!doc.ok) throw new Error(doc.error.message);
  expect(doc.value.name).toBe('svg');
  return (svg.match(/ data-element-id="/g) ?? []).length;
}

describe('bulwark render', () => {
  it('writes the first diagram as SVG to standard output', () => {
    const r = runCli(['render', 'examples/infrastructure.bulwark.json']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<?xml')).toBe(true);
    expect(drawn(r.stdout)).toBe(54);
  });

  it('writes a file, laying out a model written as code, and names the diagram by name or id', () => {
    const dir = tempDir();
    const file = join(dir, 'shop.svg');
    const r = runCli(['render', join(ROOT, 'examples/webshop.bulwark.yaml'), '--diagram', 'context', '-o', file], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`-> ${file}`);
    expect(drawn(readFileSync(file, 'utf8'))).toBeGreaterThan(5);
    const byName = runCli(['render', 'examples/webshop.bulwark.yaml', '-d', 'CONTEXT']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('lists the diagrams there are when the one asked for is not there (usage error)', () => {
    const r = runCli(['render', 'examples/infrastructure.bulwark.json', '--diagram', 'Nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No diagram named "Nope". Diagrams: "Context" (context).');
    expect(r.stdout).toBe('');
  });

  it('fails with exit 1 and nothing written when the model cannot be read', () => {
    const dir = tempDir();
    const file = join(dir, 'x.svg');
    const r = runCli(['render', join(dir, 'missing.bulwark.json'), '-o', file], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot read the file: no such file');
    expect(existsSync(file)).toBe(false);
    expect(runCli(['render']).code).toBe(2);
  });
});
