import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

describe('bulwark templates', () => {
  it('lists the built-in templates', () => {
    const r = runCli(['templates', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; threatTypes: number }[];
    expect(list.map((t) => t.id)).toEqual(['stride', 'infrastructure', 'cia', 'privacy']);
    expect(list.every((t) => t.threatTypes >= 20)).toBe(true);
  });

  it('shows a template with its types and threat types', () => {
    const r = runCli(['templates', 'show', 'infrastructure']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('infra.firewall');
    expect(r.stdout).toContain('Threat types');
  });

  it('validates the built-in template files, and reports broken rules and failing examples in a file', () => {
    expect(runCli(['templates', 'validate', 'packages/templates/templates/stride.yaml']).code).toBe(0);
    const dir = tempDir();
    const generic = ['GE.P', 'GE.DS', 'GE.EI', 'GE.DF', 'GE.TB.B', 'GE.TB.L', 'GE.A'].map(
      (id) => `  - { id: ${id}, name: ${id} }`,
    );
    const yaml = [
      'schemaVersion: 1',
      'id: mine',
      'name: Mine',
      'version: "1"',
      'categories: [{ id: S, name: Spoofing }]',
      'elementTypes:',
      ...generic,
      'threatTypes:',
      '  - { id: broken, title: B, category: S, include: "source is \'GE.P\' and", description: d, priority: High }',
      '  - id: wrong-example',
      '    title: W',
      '    category: S',
      '    include: "target is \'GE.DS\'"',
      '    description: d',
      '    priority: High',
      '    examples:',
      '      produces: [{ source: { type: GE.P }, target: { type: GE.P } }]',
      '      doesNotProduce: [{ source: { type: GE.P }, target: { type: GE.EI } }]',
      '  - { id: typo, title: T, category: S, include: "target is \'GE.DZ\'", description: d, priority: High }',
    ].join('\n');
    writeFileSync(join(dir, 'mine.yaml'), yaml);
    const r = runCli(['templates', 'validate', 'mine.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('threat type "broken"');
    expect(r.stderr).toContain('threat type "wrong-example" produces[0]: expected the threat');
    expect(r.stderr).toContain("names type 'GE.DZ'");
  });

  it('imports a .tb7 into the repository, lists it, and lets models name it by id', () => {
    const dir = tempDir();
    const tb7 = join(ROOT, 'packages/formats/fixtures/minimal.tb7');
    const r = runCli(['templates', 'import', tb7], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('threat type "X2" will be skipped');
    const list = JSON.parse(runCli(['templates', 'list', '--format', 'json'], dir).stdout) as {
      id: string;
      source: string;
    }[];
    expect(list.find((t) => t.source === 'imported')?.id).toBe('55555555-0000-4000-8000-000000000001');
    expect(runCli(['templates', 'show', '55555555-0000-4000-8000-000000000001'], dir).stdout).toContain('X.Mobile');
    const missing = runCli(['templates', 'import', 'no-such-template.tb7'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('reports a template that is not valid YAML with its line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'schemaVersion: 1\nid: [oops\n');
    const r = runCli(['templates', 'validate', 'bad.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+:/);
  });
});
