import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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
  // No source maps in the production build: served, they hand out the original source (the
  // server also refuses any *.map under its web root). Debug with `vite` (dev server) instead.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 2000 },
});
