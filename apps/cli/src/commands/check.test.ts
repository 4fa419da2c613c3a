import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, triagedExample } from '../testing/runCli.js';

describe('bulwark check', () => {
  it('fails on untriaged high-priority threats by default, listing them', () => {
    const r = runCli(['check', 'examples/infrastructure.bulwark.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /failed: \d+ of the \d+ threats of examples\/infrastructure\.bulwark\.json match "status=not-started and priority=high"/,
    );
    expect(r.stdout).toContain('Firewall service');
    expect(r.stdout.split('\n').filter((l) => /^High\s+not-started/.test(l)).length).toBeGreaterThan(5);
  });

  it('passes once those threats are triaged, and follows --fail-on', () => {
    const file = triagedExample();
    const passed = runCli(['check', file]);
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/^passed: none of the \d+ threats/);
    const medium = runCli(['check', file, '--fail-on', 'priority=medium and status!=mitigated']);
    expect(medium.code).toBe(1);
    expect(medium.stdout).not.toMatch(/^High/m);
  });

  it('writes every threat as SARIF with --sarif, pass or fail', () => {
    const dir = tempDir();
    const r = runCli(['check', join(ROOT, 'examples/infrastructure.bulwark.json'), '--sarif', 'threats.sarif'], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'threats.sarif'), 'utf8')) as {
      version: string;
      runs: { tool: { driver: { name: string; version: string } }; results: unknown[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.tool.driver).toMatchObject({ name: 'Bulwark', version: '0.1.0' });
    expect(log.runs[0]?.results.length).toBe(121);
  });

  it('points at the mistake in a wrong expression (usage error)', () => {
    const r = runCli(['check', 'examples/infrastructure.bulwark.json', '--fail-on', 'status=open priorty=high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('column 13: Unexpected "priorty": join tests with "and" or "or".');
    expect(r.stderr).toContain('status=open priorty=high\n              ^');
  });
});
