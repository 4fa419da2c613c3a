/**
 * `npm run bench` works on a fresh checkout: bench/all.js at its smallest (--quick) runs every step
 * and prints one table with a time, a peak memory and a command for each row. The figures are not
 * judged here (they are measured, not tested: docs/PERFORMANCE.md); that every step still runs is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(new URL('.', import.meta.url).pathname, '..');

interface Row {
  step: string;
  model: string;
  ms: number | string;
  peakMb: number;
  command: string;
}

describe('npm run bench', () => {
  it('runs every step at its smallest and prints one table with time, peak memory and command per row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-test-'));
    try {
      const out = join(dir, 'bench.json');
      const r = spawnSync(process.execPath, [join(root, 'bench/all.js'), '--quick', '--json', out], {
        cwd: root,
        encoding: 'utf8',
        timeout: 280_000,
      });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const { rows, skipped } = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[]; skipped: string[] };
      for (const s of skipped) console.warn(`bench step skipped: ${s}`);
      const steps = new Set(rows.map((row) => row.step.replace(/ \(.*?\)/, '').split(':')[0] ?? row.step));
      const expected = [
        'analyze',
        '.tm7 export',
        '.tm7 import',
        'HTML report',
        'SVG, auto-layout',
        'server',
        'fairness',
        'editor',
      ];
      for (const step of expected) {
        const skippedAll = step === 'editor' && skipped.some((s) => s.startsWith('editor rows'));
        if (!skippedAll)
          expect(
            [...steps].some((s) => s.startsWith(step)),
            `${step} in ${[...steps].join(', ')}`,
          ).toBe(true);
      }
      expect(rows.some((row) => row.step.includes('PostgreSQL'))).toBe(
        !skipped.some((s) => s.startsWith('PostgreSQL')),
      );
      for (const row of rows) {
        expect(row.peakMb, row.step).toBeGreaterThan(10);
        expect(typeof row.ms === 'number' ? row.ms > 0 : /\d/.test(row.ms), `${row.step}: ${row.ms}`).toBe(true);
        expect(row.command).toMatch(/^(bulwark|node bench\/)/);
        expect(r.stdout).toContain(`\`${row.command}\``);
      }
      expect(r.stdout).toMatch(/\| step +\| model +\| +time \| peak memory \| command +\|/);
      expect(existsSync(out)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
