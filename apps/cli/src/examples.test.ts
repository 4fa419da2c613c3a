import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './testing/runCli.js';

const examples = readdirSync(join(ROOT, 'examples')).filter((f) => /\.bulwark\.(json|ya?ml)$/.test(f));

describe('examples', () => {
  it.each(examples)('%s validates without errors or warnings, and analyses', (file) => {
    const validate = runCli(['validate', `examples/${file}`]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toBe('');
    const analyze = runCli(['analyze', `examples/${file}`, '--format', 'json']);
    expect(analyze.code, analyze.stderr).toBe(0);
    expect(JSON.parse(analyze.stdout).threats.length).toBeGreaterThan(10);
  });

  it('computes crossings from boundary membership in the hand-written web shop', () => {
    const rows = JSON.parse(runCli(['interactions', 'examples/webshop.bulwark.yaml', '--format', 'json']).stdout) as {
      flowId: string;
      boundaries: string[];
    }[];
    const crossed = Object.fromEntries(rows.map((r) => [r.flowId, r.boundaries]));
    expect(crossed).toEqual({ browse: ['Shop VPC'], orders: [], queries: ['Data subnet'], charge: ['Shop VPC'] });
  });
});
