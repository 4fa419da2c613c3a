import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/runCli.js';

function write(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('bulwark validate', () => {
  it('passes the infrastructure example', () => {
    const r = runCli(['validate', 'examples/infrastructure.bulwark.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('54 elements, 56 interactions');
  });

  it('names the file, the line and the problem in malformed JSON', () => {
    const dir = tempDir();
    const r = runCli(['validate', write(dir, 'm.bulwark.json', '{\n  "schemaVersion": 1,\n  "metadata": {\n}}}')], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error m\.bulwark\.json:4:\d+: Not valid JSON/);
    expect(r.stderr).not.toContain('    at ');
  });

  it('points YAML schema problems at their line', () => {
    const dir = tempDir();
    const yaml = [
      'schemaVersion: 1',
      'metadata: { name: Shop }',
      'template: { id: stride }',
      'diagrams:',
      '  - id: main',
      '    name: Main',
      '    elements:',
      '      - { kind: process, id: web, typeId: GE.P, name: Web }',
      '      - { kind: dataFlow, id: f, typeId: GE.DF, name: F, source: web }',
    ].join('\n');
    const r = runCli(['validate', write(dir, 'shop.bulwark.yaml', yaml)], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shop.bulwark.yaml:9:');
    expect(r.stderr).toContain('diagrams[0].elements[1].target');
  });

  it('reports dangling flows and unknown types as errors, each with its path', () => {
    const dir = tempDir();
    const model = {
      schemaVersion: 1,
      metadata: { name: 'x' },
      template: { id: 'stride' },
      diagrams: [
        {
          id: 'd',
          name: 'D',
          elements: [
            { kind: 'process', id: 'p', typeId: 'no-such-type', name: 'P' },
            { kind: 'dataFlow', id: 'f', typeId: 'GE.DF', name: 'F', source: 'p', target: 'ghost' },
          ],
        },
      ],
    };
    const r = runCli(['validate', write(dir, 'x.bulwark.json', JSON.stringify(model)), '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; problems: { code: string; path: string }[] };
    expect(out.valid).toBe(false);
    expect(out.problems.map((p) => [p.code, p.path])).toEqual([
      ['UNKNOWN_TYPE', 'diagrams[0].elements[0].typeId'],
      ['DANGLING_FLOW', 'diagrams[0].elements[1].target'],
    ]);
  });

  it('says which template is unknown', () => {
    const dir = tempDir();
    const r = runCli(
      [
        'validate',
        write(
          dir,
          'x.bulwark.json',
          JSON.stringify({ schemaVersion: 1, metadata: { name: 'x' }, template: { id: 'azure' }, diagrams: [] }),
        ),
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Unknown template "azure"');
  });
});
