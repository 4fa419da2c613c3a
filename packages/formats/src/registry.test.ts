import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatById, GENERIC_ENDINGS, MODEL_FORMATS, writerForFileName } from './registry.js';

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

  it('give every specific file ending to one writing format at most, so an output name picks one', () => {
    const owners = new Map<string, string[]>();
    for (const f of MODEL_FORMATS.filter((m) => m.write))
      for (const ext of f.extensions.filter((e) => !GENERIC_ENDINGS.has(e)))
        owners.set(ext, [...(owners.get(ext) ?? []), f.id]);
    expect([...owners].filter(([, ids]) => ids.length > 1)).toEqual([]);
  });

  it('pick the writer by the longest specific ending, and none for a generic one', () => {
    expect(writerForFileName('shop.cdx.json')?.id).toBe('tm-bom-cyclonedx');
    expect(writerForFileName('tmbom-shop.CDX.JSON')?.id).toBe('tm-bom-cyclonedx');
    expect(writerForFileName('shop.tmbom.json')?.id).toBe('tm-bom');
    expect(writerForFileName('shop.tm7')?.id).toBe('tm7');
    expect(writerForFileName('shop.otm')?.id).toBe('otm');
    expect(writerForFileName('shop.json')).toBeUndefined();
    expect(writerForFileName('shop.bulwark.yaml')).toBeUndefined();
  });
});
