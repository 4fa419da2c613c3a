import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { uuidV5 } from './uuidV5.js';

describe('uuidV5', () => {
  it('makes the UUIDs the uuid package makes, over one and several SHA-1 blocks and any text', () => {
    const ns = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
    for (const name of ['', 'web', 'flow-book', 'élément ✓ 😀', 'x'.repeat(200)])
      expect(uuidV5(name, ns)).toBe(v5(name, ns));
  });

  it('is a version 5 UUID, the same every time', () => {
    const ns = '0b9e4f3a-6c2d-4e8b-9f1a-5d7c3b2a1e60';
    expect(uuidV5('web', ns)).toBe(uuidV5('web', ns));
    expect(uuidV5('web', ns)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
