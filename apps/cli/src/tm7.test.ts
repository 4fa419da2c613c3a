import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from './testing/runCli.js';

const TM7 = join(ROOT, 'packages/formats/fixtures/minimal.tm7');
const TB7 = join(ROOT, 'packages/formats/fixtures/minimal.tb7');

describe('the CLI on Microsoft Threat Modeling Tool files', () => {
  it('analyses a .tm7 with its own knowledge base and reports the file’s GUIDs and type ids', () => {
    const r = runCli(['analyze', TM7, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { template: { id: string }; threats: Record<string, string>[] };
    expect(out.template.id).toBe('44444444-0000-4000-8000-000000000001');
    expect(out.threats).toHaveLength(1);
    expect(out.threats[0]).toMatchObject({
      typeId: 'T1',
      sourceId: '22222222-0000-4000-8000-000000000001',
      flowId: '33333333-0000-4000-8000-000000000001',
      targetId: '22222222-0000-4000-8000-000000000002',
      status: 'mitigated',
    });
    expect(r.stderr).toContain('threat type "T3" skipped');
  });

  it('validates a .tm7 and finds it by content even under another name', () => {
    const dir = tempDir();
    copyFileSync(TM7, join(dir, 'exported-model.xml'));
    expect(runCli(['validate', 'exported-model.xml'], dir).code).toBe(0);
    expect(runCli(['interactions', 'exported-model.xml', '--format', 'json'], dir).code).toBe(0);
  });

  it('writes a .tm7 back with --write, keeping its triage, so the file still reads the same', () => {
    const dir = tempDir();
    copyFileSync(TM7, join(dir, 'm.tm7'));
    const r = runCli(['analyze', 'm.tm7', '--write'], dir);
    expect(r.code, r.stderr).toBe(0);
    const again = JSON.parse(runCli(['analyze', 'm.tm7', '--format', 'json'], dir).stdout);
    expect(again.threats).toEqual(JSON.parse(runCli(['analyze', TM7, '--format', 'json']).stdout).threats);
    expect(readFileSync(join(dir, 'm.tm7'), 'utf8')).toMatch(
      /^<ThreatModel xmlns="http:\/\/schemas.datacontract.org\/2004\/07\/ThreatModeling.Model"/,
    );
  });

  it('uses a .tb7 given with --template', () => {
    const dir = tempDir();
    const model = [
      'schemaVersion: 1',
      'metadata: { name: Phone app }',
      'template: { id: 55555555-0000-4000-8000-000000000001 }',
      'diagrams:',
      '  - id: main',
      '    name: Main',
      '    elements:',
      '      - { kind: externalEntity, id: phone, typeId: X.Mobile, name: Phone }',
      '      - { kind: process, id: api, typeId: X.Api, name: API }',
      '      - { kind: dataFlow, id: f, typeId: GE.DF, name: Calls, source: phone, target: api }',
    ].join('\n');
    writeFileSync(join(dir, 'app.bulwark.yaml'), model);
    const r = runCli(['analyze', 'app.bulwark.yaml', '--template', TB7, '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).threats.map((t: { title: string }) => t.title)).toEqual([
      'Phone impersonated towards API',
    ]);
  });
});
