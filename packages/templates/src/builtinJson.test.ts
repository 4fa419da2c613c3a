import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_TEMPLATE_IDS,
  builtinTemplateJsonPath,
  builtinTemplatePath,
  loadBuiltinTemplate,
  loadTemplateFile,
  parseYamlText,
} from './index.js';

describe('the built-in templates as JSON', () => {
  it.each(BUILTIN_TEMPLATE_IDS)('%s.json holds exactly the data of %s.yaml (else: npm run templates:json)', (id) => {
    const yaml = parseYamlText(readFileSync(builtinTemplatePath(id), 'utf8'), builtinTemplatePath(id));
    if (!yaml.ok) throw new Error(yaml.error.message);
    const json = JSON.parse(readFileSync(builtinTemplateJsonPath(id), 'utf8'));
    expect(json, `packages/templates/templates/${id}.json is stale: run npm run templates:json`).toEqual(
      yaml.value.data,
    );
  });

  it('loads a built-in from its JSON to the same template as its YAML file gives', () => {
    for (const id of BUILTIN_TEMPLATE_IDS) {
      const fromJson = loadBuiltinTemplate(id);
      const fromYaml = loadTemplateFile(builtinTemplatePath(id));
      expect(fromJson.ok && fromYaml.ok).toBe(true);
      if (fromJson.ok && fromYaml.ok) expect(fromJson.value).toEqual(fromYaml.value);
    }
  });

  it('reads a JSON template file as JSON, and one that is broken with the line of the problem', () => {
    const json = loadTemplateFile(builtinTemplateJsonPath('cia'));
    expect(json.ok && json.value.id).toBe('cia');
    const file = join(mkdtempSync(join(tmpdir(), 'bulwark-template-')), 'broken.json');
    writeFileSync(file, '{\n  "schemaVersion": 1,\n  "id": "x",\n  "name": ]\n}\n');
    const broken = loadTemplateFile(file);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatchObject({ code: 'PARSE_SYNTAX', file, line: 4 });
    rmSync(dirname(file), { recursive: true, force: true });
  });
});
