/**
 * Every model Bulwark can write as TM-BOM's CycloneDX wrapping is checked by CycloneDX's own
 * validator for specification 1.6 (`@cyclonedx/cyclonedx-library`, strict and not): the examples,
 * our fixtures, and every model of ../shared/corpus that reads (read, never copied).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel, type ThreatModel } from '@bulwark/core';
import { parseYamlText } from '@bulwark/templates';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './registry.js';
import { exportTmBomCycloneDx } from './tmBom.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CORPUS = join(ROOT, '../shared/corpus');
const present = existsSync(CORPUS);
if (!present)
  console.warn(
    `checking the examples and fixtures only: ${CORPUS} is absent (the corpus lives in ../shared beside the repository)`,
  );

type Check = (text: string) => Promise<unknown>;

/** The library's own validator for specification 1.6. */
function cycloneDxValidator(strict: boolean): Check {
  const Validator = strict ? Validation.JsonStrictValidator : Validation.JsonValidator;
  const library = new Validator(Spec.Version.v1dot6);
  return (text) => library.validate(text);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : [path];
  });
}

/** The models to write: the examples, the fixtures and every corpus file a format reads. */
function models(): { name: string; model: ThreatModel }[] {
  const out: { name: string; model: ThreatModel }[] = [];
  for (const name of readdirSync(join(ROOT, 'examples'))) {
    const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
    const yaml = name.endsWith('.json') ? undefined : parseYamlText(text, name);
    if (yaml && !yaml.ok) throw new Error(`${name}: ${yaml.error.message}`);
    const parsed = parseModel(yaml ? yaml.value.data : JSON.parse(text), name);
    if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
    out.push({ name: `examples/${name}`, model: parsed.value });
  }
  const dirs = [join(ROOT, 'packages/formats/fixtures'), ...(present ? [CORPUS] : [])];
  for (const file of dirs.flatMap(walk)) {
    if (!/\.(tm7|json|ya?ml|otm)$/i.test(file) || statSync(file).size > 20_000_000) continue;
    const text = readFileSync(file, 'utf8');
    const read = detectFormat(text)?.read?.(text, file);
    if (read?.ok)
      out.push({ name: file.slice(file.indexOf(present ? '/corpus/' : '/fixtures/') + 1), model: read.value.model });
  }
  return out;
}

describe('TM-BOM as CycloneDX 1.6, by the CycloneDX library', () => {
  const all = models();

  it('has the examples and, with the corpus, models of every format that reads', () => {
    expect(all.length).toBeGreaterThanOrEqual(present ? 100 : 3);
  });

  it.each([true, false])('every export is valid (strict: %s)', async (strict) => {
    const check = cycloneDxValidator(strict);
    const failed: string[] = [];
    for (const { name, model } of all) {
      const errors = await check(exportTmBomCycloneDx(model).text);
      if (errors) failed.push(`${name}: ${JSON.stringify(errors).slice(0, 300)}`);
    }
    console.log(
      `CycloneDX 1.6 (${strict ? 'strict' : 'not strict'}): ${all.length - failed.length} of ${all.length} exports valid`,
    );
    expect(failed).toEqual([]);
  });

  it('refuses what 1.6 does not have: a component of type "threat-model", as older exports wrote', async () => {
    const text = exportTmBomCycloneDx(all[0]?.model as ThreatModel).text;
    const bom = JSON.parse(text) as { components: { type: string }[] };
    bom.components[0] = { ...bom.components[0], type: 'threat-model' } as { type: string };
    expect(await cycloneDxValidator(true)(JSON.stringify(bom))).not.toBeNull();
  });
});
