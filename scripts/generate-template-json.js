#!/usr/bin/env node
// Writes packages/templates/templates/<id>.json from each built-in template's YAML (the source,
// with its comments): the CLI and the server load the JSON, which parses in about a millisecond
// where the YAML takes a quarter of a second. Run `npm run templates:json` after editing a
// template's YAML; a test fails while a JSON copy is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { BUILTIN_TEMPLATE_IDS, builtinTemplateJsonPath, builtinTemplatePath, parseYamlText } from '@bulwark/templates';

for (const id of BUILTIN_TEMPLATE_IDS) {
  const source = builtinTemplatePath(id);
  const parsed = parseYamlText(readFileSync(source, 'utf8'), source);
  if (!parsed.ok) {
    console.error(`${source}: ${parsed.error.message}`);
    process.exit(1);
  }
  writeFileSync(builtinTemplateJsonPath(id), `${JSON.stringify(parsed.value.data, null, 2)}\n`);
  console.log(`wrote packages/templates/templates/${id}.json`);
}
