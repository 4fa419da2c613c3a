import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

const EXAMPLE = join(ROOT, 'examples/infrastructure.bulwark.json');

interface JsonThreat {
  id: string;
  typeId: string;
  category: string;
  title: string;
  priority: string;
  status: string;
  sourceId: string | null;
  flowId: string | null;
  targetId: string | null;
  elementId: string | null;
}

describe('bulwark analyze', () => {
  it('prints threats as JSON with the documented fields and a summary', () => {
    const r = runCli(['analyze', EXAMPLE, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { threats: JsonThreat[]; summary: { total: number; interactions: number } };
    // Written a threat at a time, and still exactly the 2-space JSON of the whole answer.
    expect(r.stdout).toBe(`${JSON.stringify(out, null, 2)}\n`);
    expect(out.threats.length).toBeGreaterThan(50);
    expect(out.summary.total).toBe(out.threats.length);
    expect(out.summary.interactions).toBe(56);
    for (const key of [
      'id',
      'typeId',
      'category',
      'title',
      'priority',
      'status',
      'sourceId',
      'flowId',
      'targetId',
      'elementId',
    ]) {
      expect(out.threats[0]).toHaveProperty(key);
    }
    const onFlow = out.threats.find((t) => t.flowId !== null);
    expect(onFlow?.id).toBe(`${onFlow?.typeId}:${onFlow?.sourceId}:${onFlow?.flowId}:${onFlow?.targetId}`);
  });

  it('writes merged threats back atomically and never drops triage on re-analysis', () => {
    const dir = tempDir();
    copyFileSync(EXAMPLE, join(dir, 'm.bulwark.json'));
    expect(runCli(['analyze', 'm.bulwark.json', '--write'], dir).code).toBe(0);
    const first = JSON.parse(readFileSync(join(dir, 'm.bulwark.json'), 'utf8'));
    const target = first.threats[3];
    Object.assign(target, {
      status: 'mitigated',
      priority: 'Low',
      justification: 'Handled by the firewall rules review',
      mitigations: 'Quarterly review',
      changedBy: 'ana',
      changedAt: '2026-11-01T10:00:00Z',
    });
    first.threats.push({
      id: 'manual-1',
      typeId: 'manual',
      origin: 'manual',
      category: 'T',
      title: 'Insider swaps a backup drive',
      description: 'x',
      priority: 'High',
      status: 'needs-investigation',
    });
    // Drop a flow whose threats are triaged: they must stay, flagged orphaned.
    const flowId = target.interaction.flowId;
    first.diagrams[0].elements = first.diagrams[0].elements.filter((e: { id: string }) => e.id !== flowId);
    writeFileSync(join(dir, 'm.bulwark.json'), JSON.stringify(first));

    const again = runCli(['analyze', 'm.bulwark.json', '--write'], dir);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(readFileSync(join(dir, 'm.bulwark.json'), 'utf8'));
    const kept = second.threats.find((t: { id: string }) => t.id === target.id);
    expect(kept).toMatchObject({
      status: 'mitigated',
      priority: 'Low',
      justification: 'Handled by the firewall rules review',
      mitigations: 'Quarterly review',
      changedBy: 'ana',
      orphaned: true,
    });
    expect(second.threats.find((t: { id: string }) => t.id === 'manual-1')).toMatchObject({
      status: 'needs-investigation',
    });
    expect(second.threats.map((t: { id: string }) => t.id)).toEqual(
      [...second.threats.map((t: { id: string }) => t.id)].sort(),
    );
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('writes nothing when the model has errors', () => {
    const dir = tempDir();
    const model = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
    model.diagrams[0].elements.push({
      kind: 'dataFlow',
      id: 'bad',
      typeId: 'GE.DF',
      name: 'Bad',
      source: 'user',
      target: 'nowhere',
    });
    const text = JSON.stringify(model);
    writeFileSync(join(dir, 'm.bulwark.json'), text);
    const r = runCli(['analyze', 'm.bulwark.json', '--write'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"nowhere"');
    expect(r.stderr).toContain('nothing was written');
    expect(readFileSync(join(dir, 'm.bulwark.json'), 'utf8')).toBe(text);
  });

  it('keeps the comments of a hand-written YAML model when it writes threats', () => {
    const dir = tempDir();
    const yaml = [
      '# Our shop, kept as code',
      'schemaVersion: 1',
      'metadata:',
      '  name: Shop # the name on reports',
      'template: { id: stride }',
      'diagrams:',
      '  - id: main',
      '    name: Main',
      '    elements:',
      '      - { kind: trustBoundary, shape: box, id: net, typeId: GE.TB.B, name: Internet }',
      '      - { kind: externalEntity, id: user, typeId: GE.EI, name: User, boundaryId: net }',
      '      - { kind: process, id: web, typeId: GE.P, name: Web }',
      '      - { kind: dataFlow, id: f, typeId: GE.DF, name: Orders, source: user, target: web }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'shop.bulwark.yaml'), yaml);
    const r = runCli(['analyze', 'shop.bulwark.yaml', '--write'], dir);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'shop.bulwark.yaml'), 'utf8');
    expect(text).toContain('# Our shop, kept as code');
    expect(text).toContain('name: Shop # the name on reports');
    expect(text).toMatch(/threats:\n\s+- id: /);
    expect(runCli(['validate', 'shop.bulwark.yaml'], dir).code).toBe(0);
  });

  it('caps the table and says how to see the rest', () => {
    const r = runCli(['analyze', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Priority\s+Status\s+Cat\s+Title\s+Where/);
    expect(r.stdout).toMatch(/\d+ threats on 56 interactions/);
    expect(r.stdout).not.toContain('\u001b[');
  });
});
