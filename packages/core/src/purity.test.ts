import { describe, expect, it } from 'vitest';
import { impurities } from './testing/purity.js';

describe('packages/core stays pure', () => {
  it('imports only zod, @noble/hashes (pure SHA-256) and its own files (no node:*, no I/O, no UI), and never evaluates code', () => {
    expect(
      impurities(new URL('.', import.meta.url).pathname, ['zod', '@noble/hashes/sha2.js', '@noble/hashes/utils.js']),
    ).toEqual([]);
  });
});
