#!/usr/bin/env node
// Writes schemas/*.schema.json from the zod schemas (run `npm run build` first; `npm run schemas` does both).
import { writeFileSync } from 'node:fs';
import { publishedSchemas } from '@bulwark/core';

for (const { fileName, schema } of publishedSchemas()) {
  const file = new URL(`../schemas/${fileName}`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${fileName}`);
}
