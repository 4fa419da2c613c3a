import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../testing/runCli.js';

const EXAMPLE = 'examples/infrastructure.bulwark.json';
const SEED = join(ROOT, '../shared/seeds/001_8ee30d786156bd85.txt');
if (!existsSync(SEED))
  console.warn(`skipping the seed-table comparison: ${SEED} is absent (it lives in ../shared beside the repository)`);

interface SeedRow {
  section: string;
  a: string;
  b: string;
  crosses: boolean;
  details: string[] | null;
}

/** The interaction tables of the seed: one row per table line, `details` null for "See X" rows. */
function seedRows(text: string): SeedRow[] {
  const rows: SeedRow[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^### (.+)$/.exec(line);
    if (heading) section = heading[1] as string;
    if (!line.startsWith('|![')) continue;
    const cells = line.split('|').slice(1, -1);
    const after = (cell: string) => (cell.split('</br>')[1] ?? '').trim();
    const details = cells[4] ?? '';
    rows.push({
      section,
      a: after(cells[0] ?? ''),
      b: after(cells[2] ?? ''),
      crosses: after(cells[3] ?? '') === 'Yes',
      details: details.includes('<li>') ? [...details.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1] as string) : null,
    });
  }
  return rows;
}

interface Row {
  elementA: string;
  elementB: string;
  direction: string;
  crossesBoundary: boolean;
  details: string[];
}

const key = (a: string, b: string) => `${a.toLowerCase()} <-> ${b.toLowerCase()}`;
/** Where the seed contradicts itself, the model chooses; its notes say so. */
const CROSSING_CHOICES = new Set([key('Machine', 'User')]);
const DETAIL_UNIONS = new Set([
  key('Firewall service', 'VPN service'),
  key('VPN service', 'Firewall service'),
  key('Firewall service', 'Azure IaaS'),
  key('Azure IaaS', 'Firewall service'),
]);

describe('bulwark interactions on the infrastructure example', () => {
  const run = runCli(['interactions', EXAMPLE, '--format', 'json']);
  const rows = JSON.parse(run.stdout || '[]') as Row[];

  it('prints one JSON row per flow with the documented fields', () => {
    expect(run.code).toBe(0);
    expect(rows).toHaveLength(28);
    expect(Object.keys(rows[0] ?? {})).toEqual(
      expect.arrayContaining(['elementA', 'direction', 'elementB', 'crossesBoundary', 'boundaries', 'details']),
    );
    expect(rows.every((r) => r.direction === 'bidirectional')).toBe(true);
  });

  it.skipIf(!existsSync(SEED))('reproduces every row of the seed tables: crossing and details', () => {
    const seed = seedRows(readFileSync(SEED, 'utf8'));
    expect(seed.length).toBeGreaterThan(40);
    const ours = new Map<string, Row>();
    for (const r of rows) {
      ours.set(key(r.elementA, r.elementB), r);
      ours.set(key(r.elementB, r.elementA), r);
    }
    const problems: string[] = [];
    for (const s of seed) {
      const k = key(s.a, s.b);
      const r = ours.get(k);
      if (!r) {
        problems.push(`${s.section}: no interaction ${k}`);
        continue;
      }
      if (r.crossesBoundary !== s.crosses && !CROSSING_CHOICES.has(k) && !CROSSING_CHOICES.has(key(s.b, s.a))) {
        problems.push(`${s.section}: ${k} crosses=${r.crossesBoundary}, seed says ${s.crosses}`);
      }
      if (s.details) {
        const want = [...s.details].sort();
        const have = [...r.details].sort();
        const ok = DETAIL_UNIONS.has(k)
          ? want.every((d) => have.includes(d))
          : JSON.stringify(want) === JSON.stringify(have);
        if (!ok)
          problems.push(
            `${s.section}: ${k} details ${JSON.stringify(r.details)}, seed says ${JSON.stringify(s.details)}`,
          );
      }
    }
    // Every flow of ours appears in the seed too.
    const seedKeys = new Set(seed.flatMap((s) => [key(s.a, s.b), key(s.b, s.a)]));
    for (const r of rows)
      if (!seedKeys.has(key(r.elementA, r.elementB))) problems.push(`extra interaction ${key(r.elementA, r.elementB)}`);
    expect(problems).toEqual([]);
  });

  it('prints the seed layout in Markdown, one section per element, and filters by element', () => {
    const md = runCli(['interactions', EXAMPLE, '--element', 'firewall service']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('### Firewall service\n\n|Element A|Data-flow|Element B|Crosses boundary|Details|');
    expect(md.stdout).toContain(
      '|Firewall service|Bi-directional|Build servers (grouped)|No|<ul><li>GitHub IPSec tunnel</li><li>Requests and responses</li></ul>|',
    );
    expect(md.stdout.match(/^### /gm)).toHaveLength(1);
    const all = runCli(['interactions', EXAMPLE]);
    expect(all.stdout).toContain('|Machine|Bi-directional|User|No|*See **User** for details*|');
  });

  it('names the elements when asked for one that does not exist', () => {
    const r = runCli(['interactions', EXAMPLE, '--element', 'Mainframe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No element named "Mainframe"');
    expect(r.stderr).toContain('Firewall service');
  });
});
