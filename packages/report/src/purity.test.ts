import { describe, expect, it } from 'vitest';
import { impurities } from '../../core/src/testing/purity.js';

describe('packages/report stays pure', () => {
  it('imports only the core, elkjs and its own files (no node:*, no I/O), and never evaluates code', () => {
    const allowed = ['@bulwark/core', 'elkjs/lib/elk.bundled.js'];
    // node/ holds what needs Node (printing to PDF), exported apart as @bulwark/report/pdf.
    expect(impurities(new URL('.', import.meta.url).pathname, allowed, ['node'])).toEqual([]);
  });
});
