import { describe, expect, it } from 'vitest';
import { impurities } from '../../core/src/testing/purity.js';

describe('packages/report stays pure', () => {
  it('imports only the core, elkjs, Lucide’s icons (data) and its own files (no node:*, no I/O), and never evaluates code', () => {
    const allowed = ['@bulwark/core', 'elkjs/lib/elk.bundled.js'];
    // Each Lucide icon module is one array of [tag, attributes]: data, nothing else (elementIcons.ts).
    const icon = /: imports lucide\/dist\/esm\/icons\/[a-z0-9-]+\.mjs$/;
    // node/ holds what needs Node (printing to PDF), exported apart as @bulwark/report/pdf.
    expect(
      impurities(new URL('.', import.meta.url).pathname, allowed, ['node']).filter((line) => !icon.test(line)),
    ).toEqual([]);
  });
});
