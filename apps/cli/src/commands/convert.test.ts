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

  it('writes a .tm7 with the knowledge base of a template file given with --template', () => {
    const dir = tempDir();
    const model = JSON.parse(readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), 'utf8'));
    const template = readFileSync(join(ROOT, 'packages/templates/templates/infrastructure.yaml'), 'utf8')
      .replace(/^id: infrastructure$/m, 'id: team-infra')
      .replace(/^name: Infrastructure$/m, 'name: Team infrastructure');
    model.template = { id: 'team-infra' };
    writeFileSync(join(dir, 'team.bulwark.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'team-template.yaml'), template);
    const missing = runCli(['convert', 'team.bulwark.json', '-o', 'team.tm7'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Unknown template "team-infra"');
    expect(missing.stderr).toContain('--template');
    expect(existsSync(join(dir, 'team.tm7'))).toBe(false);
    const r = runCli(['convert', 'team.bulwark.json', '-o', 'team.tm7', '--template', './team-template.yaml'], dir);
    expect(r.code, r.stderr).toBe(0);
    const back = JSON.parse(runCli(['analyze', 'team.tm7', '--format', 'json'], dir).stdout);
    expect(back.threats.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'team.tm7'), 'utf8')).toContain('Team infrastructure');
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

  it("converts between other tools' formats through Bulwark, listing what each cannot carry", () => {
    const dir = tempDir();
    const td = join(ROOT, 'packages/formats/fixtures/threat-dragon-v2.json');
    // Threat Dragon (recognised by content) -> OTM, -> Graphviz by extension, -> Bulwark and back to Threat Dragon.
    const otm = runCli(['convert', td, '--to', 'otm', '-o', 'model.otm.json', '--format', 'json'], dir);
    expect(otm.code, otm.stderr).toBe(0);
    const report = JSON.parse(otm.stdout);
    expect(report).toMatchObject({ from: 'threat-dragon', to: 'otm' });
    expect(Array.isArray(report.warnings)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'model.otm.json'), 'utf8')).otmVersion).toBeDefined();
    const dot = runCli(['convert', td, '-o', 'model.dot'], dir);
    expect(dot.code, dot.stderr).toBe(0);
    expect(readFileSync(join(dir, 'model.dot'), 'utf8')).toMatch(/^digraph /m);
    expect(runCli(['convert', td, '-o', 'model.bulwark.json'], dir).code).toBe(0);
    const back = runCli(['convert', 'model.bulwark.json', '--to', 'threat-dragon', '-o', 'again.json'], dir);
    expect(back.code, back.stderr).toBe(0);
    expect(runCli(['convert', 'again.json', '-o', 'again.bulwark.json'], dir).stdout).toContain('(threat-dragon)');
  });

  it("will not overwrite another tool's file with Bulwark JSON: analyze --write and signoff refuse it", () => {
    const dir = tempDir();
    const file = join(dir, 'td.json');
    const original = readFileSync(join(ROOT, 'packages/formats/fixtures/threat-dragon-v2.json'), 'utf8');
    writeFileSync(file, original);
    const analysed = runCli(['analyze', file, '--write'], dir);
    expect(analysed.code).toBe(2);
    expect(analysed.stderr).toContain('bulwark convert');
    expect(runCli(['signoff', file, '--by', 'Rita'], dir).code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(original);
    // Reading it is fine: the threats of the imported model.
    expect(runCli(['analyze', file, '--format', 'json'], dir).code).toBe(0);
  });

  it('writes TM-BOM as CycloneDX for .cdx.json and as the Threat Model Library JSON for .tmbom.json, and says which', () => {
    const dir = tempDir();
    const example = join(ROOT, 'examples/infrastructure.bulwark.json');
    const cdx = runCli(['convert', example, '-o', 'infra.cdx.json'], dir);
    expect(cdx.code, cdx.stderr).toBe(0);
    expect(cdx.stdout).toContain('-> infra.cdx.json (tm-bom-cyclonedx, OWASP TM-BOM (CycloneDX 1.6))');
    expect(JSON.parse(readFileSync(join(dir, 'infra.cdx.json'), 'utf8'))).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
    });
    const library = runCli(['convert', example, '-o', 'infra.tmbom.json', '--format', 'json'], dir);
    expect(JSON.parse(library.stdout)).toMatchObject({ to: 'tm-bom' });
    const written = JSON.parse(readFileSync(join(dir, 'infra.tmbom.json'), 'utf8'));
    expect(written.$schema).toContain('www-project-threat-model-library');
    expect(written.bomFormat).toBeUndefined();
    // Both read back as TM-BOM, whatever their name.
    expect(runCli(['convert', 'infra.cdx.json', '-o', 'back.bulwark.json'], dir).stdout).toContain('(tm-bom)');
    const help = runCli(['convert', '--help'], dir).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('.tmbom.json tm-bom');
    expect(help).toContain('.cdx.json tm-bom-cyclonedx');
  });

  it('writes a model of several diagrams as one DOT graph and one Mermaid flowchart, and says what it wrote', () => {
    const dir = tempDir();
    const diagram = (id: string, name: string) => ({
      id,
      name,
      elements: [
        { kind: 'process', id: `${id}-p`, typeId: 'GE.P', name: 'Web' },
        { kind: 'dataStore', id: `${id}-s`, typeId: 'GE.DS', name: 'Orders' },
        { kind: 'dataFlow', id: `${id}-f`, typeId: 'GE.DF', name: 'Saves', source: `${id}-p`, target: `${id}-s` },
      ],
    });
    const model = {
      schemaVersion: 1,
      metadata: { name: 'Two' },
      template: { id: 'stride' },
      diagrams: [diagram('a', 'Context'), diagram('b', 'Detail')],
    };
    writeFileSync(join(dir, 'two.bulwark.json'), JSON.stringify(model));
    const dot = runCli(['convert', 'two.bulwark.json', '-o', 'two.dot'], dir);
    expect(dot.code, dot.stderr).toBe(0);
    expect(dot.stdout).toContain(
      '-> two.dot (dot, Graphviz DOT): 2 diagrams as clusters of one graph, 4 shapes, 0 box boundaries, 2 flows',
    );
    expect(readFileSync(join(dir, 'two.dot'), 'utf8').match(/^digraph /gm)).toHaveLength(1);
    const mmd = runCli(['convert', 'two.bulwark.json', '-o', 'two.mmd', '--format', 'json'], dir);
    expect(mmd.code, mmd.stderr).toBe(0);
    expect(JSON.parse(mmd.stdout).written).toBe(
      '2 diagrams as subgraphs of one graph, 4 shapes, 0 box boundaries, 2 flows',
    );
  });
});
