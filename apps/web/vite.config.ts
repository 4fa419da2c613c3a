import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `<file>.br` and `<file>.gz` beside every script, style sheet and page over 1 KB, at the
 * highest settings (once, at build time): the server sends them to browsers that accept them
 * (@fastify/static `preCompressed`), so serving the app costs no compression at all.
 */
function precompress(): Plugin {
  const br = promisify(brotliCompress);
  const gz = promisify(gzip);
  return {
    name: 'bulwark-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? '';
      await Promise.all(
        Object.values(bundle)
          .filter((f) => /\.(js|css|html|svg|json)$/.test(f.fileName))
          .map(async (f) => {
            const data = Buffer.from(f.type === 'chunk' ? f.code : f.source);
            if (data.length < 1024) return;
            const [b, g] = await Promise.all([
              br(data, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                  [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
                },
              }),
              gz(data, { level: 9 }),
            ]);
            writeFileSync(join(dir, `${f.fileName}.br`), b);
            writeFileSync(join(dir, `${f.fileName}.gz`), g);
          }),
      );
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    // The app uses the pure core straight from its sources (it runs in the browser as it is).
    // The same for the report package (the auto-layout and the shape sizes).
    alias: {
      '@bulwark/core': fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)),
      '@bulwark/report': fileURLToPath(new URL('../../packages/report/src/index.ts', import.meta.url)),
    },
  },
  esbuild: { jsx: 'automatic' },
  plugins: [precompress()],
  // No source maps in the production build: served, they hand out the original source (the
  // server also refuses any *.map under its web root). Debug with `vite` (dev server) instead.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    // Brotli at its best takes about 2 s of the build (precompress): known, not worth a warning.
    rolldownOptions: {
      checks: { bundlerTimings: false },
      // The pure packages (core, report: no globals, no I/O; a lint rule and a test keep them so)
      // have nothing to run for its own sake: what a chunk does not use is left out of it. Without
      // this, one function from core's index on the models page brought the engine, every schema
      // and zod into its first script (the schemas' .describe() calls look like side effects).
      treeshake: { moduleSideEffects: (id: string) => !/\/packages\/(core|report)\/src\//.test(id) },
    },
  },
});
