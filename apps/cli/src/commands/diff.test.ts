import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

describe('bulwark diff', () => {
  it('shows elements and triage that changed, as text and as JSON', () => {
    const dir = tempDir();
    copyFileSync(join(ROOT, 'examples/infrastructure.bulwark.json'), join(dir, 'a.bulwark.json'));
    expect(runCli(['analyze', 'a.bulwark.json', '--write'], dir).code).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, 'a.bulwark.json'), 'utf8'));
    model.threats[0].status = 'mitigated';
    model.diagrams[0].elements = model.diagrams[0].elements.filter((e: { id: string }) => e.id !== 'azure');
    const sql = model.diagrams[0].elements.find((e: { id: string }) => e.id === 'sql');
    sql.name = 'SQL cluster';
    writeFileSync(join(dir, 'b.bulwark.json'), JSON.stringify(model));

    const text = runCli(['diff', 'a.bulwark.json', 'b.bulwark.json'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('- process "Azure IaaS" (azure)');
    expect(text.stdout).toContain('~ process "SQL cluster" (sql): name: "SQL server" -> "SQL cluster"');
    expect(text.stdout).toContain('status: "not-started" -> "mitigated"');

    const json = JSON.parse(runCli(['diff', 'a.bulwark.json', 'b.bulwark.json', '--format', 'json'], dir).stdout);
    expect(json.elements.removed.map((e: { id: string }) => e.id)).toEqual(['azure']);
    expect(json.threats.changed).toHaveLength(1);
    expect(runCli(['diff', 'a.bulwark.json', 'a.bulwark.json'], dir).stdout).toBe('no differences\n');
  });
});
