/**
 * Every model Bulwark can write as TM-BOM's CycloneDX wrapping is checked by CycloneDX's own
 * validator for specification 1.6 (`@cyclonedx/cyclonedx-library`, strict and not): the examples,
 * our fixtures, and every model of ../shared/corpus that reads (read, never copied). When the
 * library's optional `ajv-formats-draft2019` is not installed its validator cannot start; the
 * test then compiles the library's own shipped 1.6 schema files with the library's own ajv
 * options, which is the same check but for the `idn-email` format (Bulwark writes no e-mail).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseModel, type ThreatModel } from '@bulwark/core';
import { parseYamlText } from '@bulwark/templates';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
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

/** The library's validator, or (without its optional dependency) the library's schema files checked the way it does. */
async function cycloneDxValidator(strict: boolean): Promise<Check> {
  const Validator = strict ? Validation.JsonStrictValidator : Validation.JsonValidator;
  const library = new Validator(Spec.Version.v1dot6);
  try {
    await library.validate('{}');
    return (text) => library.validate(text);
  } catch (e) {
    if (!(e instanceof Validation.MissingOptionalDependencyError)) throw e;
  }
  console.warn('@cyclonedx/cyclonedx-library lacks ajv-formats-draft2019: compiling its 1.6 schema files directly');
  // The library's own files (its resources.node.js): for 1.6 the strict and the plain schema are one file.
  const schemas = join(
    dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res/schema',
  );
  const load = (name: string) => JSON.parse(readFileSync(join(schemas, name), 'utf8'));
  const ajv = new Ajv.default({
    useDefaults: false,
    strict: false,
    strictSchema: false,
    addUsedSchema: false,
    schemas: Object.fromEntries(
      ['spdx.SNAPSHOT', 'cryptography-defs.SNAPSHOT', 'jsf-0.82.SNAPSHOT'].map((n) => [
        `http://cyclonedx.org/schema/${n}.schema.json`,
        load(`${n}.schema.json`),
      ]),
    ),
  });
  addFormats.default(ajv);
  ajv.addFormat('idn-email', true);
  ajv.addFormat('iri-reference', true);
  const validate = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
  return async (text) => (validate(JSON.parse(text)) ? null : validate.errors);
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
    const check = await cycloneDxValidator(strict);
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
});
