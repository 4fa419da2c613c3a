import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { publishedSchemas } from './jsonSchemas.js';

describe('published JSON Schemas', () => {
  it.each(publishedSchemas().map((s) => [s.fileName, s.schema] as const))(
    'schemas/%s is up to date (run `npm run schemas`)',
    (fileName, schema) => {
      const committed = readFileSync(new URL(`../../../schemas/${fileName}`, import.meta.url), 'utf8');
      expect(committed).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    },
  );
});
