import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

describe('the production build of the web app', () => {
  const out = mkdtempSync(join(tmpdir(), 'bulwark-web-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('has no source maps, neither files nor sourceMappingURL comments', async () => {
    await build({ configFile: CONFIG, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => join(f.parentPath, f.name));
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const file of files.filter((f) => /\.(js|css|html)$/.test(f)))
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/[#@] sourceMappingURL=/);
  }, 120_000);
});
