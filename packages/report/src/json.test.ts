import { readFileSync } from 'node:fs';
import { parseModel, serializeModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { renderJson } from './json.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';

const { model } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));

describe('renderJson', () => {
  it('is the native model file with its threats, read back as the same model', () => {
    const json = renderJson(model);
    expect(json).toBe(serializeModel(model));
    const back = parseModel(JSON.parse(json));
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect(back.value.threats).toHaveLength(model.threats?.length ?? 0);
      expect(serializeModel(back.value)).toBe(json);
    }
  });
});
