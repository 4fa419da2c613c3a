import { describe, expect, it } from 'vitest';
import { MAX_YAML_NESTING, yamlNesting } from './yamlNesting.js';

describe('yamlNesting', () => {
  it.each([
    ['', 0],
    ['a: 1\nb: [1, {c: 2}]', 2],
    ['- a\n- - b', 2],
    ['  - - - x\n- y', 3],
    ['a: "- - - x"', 0],
    [']]]][[', 2],
  ])('%j nests %i deep', (text, depth) => {
    expect(yamlNesting(text)).toBe(depth);
  });

  it('counts absurd nesting fast (found by fuzzing: the yaml parser overflows the stack on it)', () => {
    expect(yamlNesting('['.repeat(100_000))).toBeGreaterThan(MAX_YAML_NESTING);
    expect(yamlNesting(` ${'- '.repeat(30_000)}a`)).toBeGreaterThan(MAX_YAML_NESTING);
  });
});
