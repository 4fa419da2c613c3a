import { describe, expect, it } from 'vitest';
import { impurities } from '../../core/src/testing/purity.js';

describe('packages/formats stays pure', () => {
  it('imports only the core, its XML and YAML parsers, uuid (ids Threat Dragon 1 needs) and its own files (no node:*, no I/O), and never evaluates code', () => {
    const allowed = ['@bulwark/core', 'saxes', 'yaml', 'uuid'];
    expect(impurities(new URL('.', import.meta.url).pathname, allowed)).toEqual([]);
  });
});
