import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatById, MODEL_FORMATS } from './registry.js';

describe('the model formats', () => {
  it('have unique ids, and each reads or writes', () => {
    const ids = MODEL_FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of MODEL_FORMATS) expect(f.read !== undefined || f.write !== undefined, f.id).toBe(true);
    expect(formatById('tm7')?.name).toContain('.tm7');
  });

  it('recognise a file by its content, not its name, and leave Bulwark models alone', () => {
    const tm7 = readFileSync(new URL('../fixtures/minimal.tm7', import.meta.url), 'utf8');
    expect(detectFormat(tm7)?.id).toBe('tm7');
    const native = readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8');
    expect(detectFormat(native)).toBeUndefined();
  });
});
