import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every non-test source file of packages/core. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('packages/core stays pure', () => {
  it('imports only zod and its own files (no node:*, no I/O, no UI), and never evaluates code', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const offenders: string[] = [];
    for (const file of sources(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        const spec = m[1] as string;
        if (spec !== 'zod' && !spec.startsWith('./') && !spec.startsWith('../'))
          offenders.push(`${file}: imports ${spec}`);
      }
      if (/\beval\s*\(|new Function\s*\(/.test(text)) offenders.push(`${file}: eval/new Function`);
    }
    expect(offenders).toEqual([]);
  });
});
