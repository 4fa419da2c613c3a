import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their builds.
    alias: {
      '@bulwark/core': src('./packages/core/src/index.ts'),
      '@bulwark/templates': src('./packages/templates/src/index.ts'),
      '@bulwark/formats': src('./packages/formats/src/index.ts'),
      // (The subpath first: an alias also matches what starts with its name and a slash.)
      '@bulwark/report/pdf': src('./packages/report/src/node/pdf.ts'),
      '@bulwark/report': src('./packages/report/src/index.ts'),
      '@bulwark/server': src('./apps/server/src/index.ts'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'e2e/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
  },
});
