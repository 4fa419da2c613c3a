/**
 * The infrastructure example, analysed with its built-in template, for the tests. The caller
 * reads the file (testing/ is linted as pure code: no node:* here).
 */
import { analyze, parseModel, type ResolvedTemplate, type ThreatModel } from '@bulwark/core';
import { loadResolvedTemplate } from '@bulwark/templates';

/** Where the example model is. */
export const EXAMPLE_URL = new URL('../../../../examples/infrastructure.bulwark.json', import.meta.url);

/** The example model (its file's text) with current threats, and its template. */
export function analysedExample(text: string): { model: ThreatModel; template: ResolvedTemplate } {
  const parsed = parseModel(JSON.parse(text), 'examples/infrastructure.bulwark.json');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const template = loadResolvedTemplate(parsed.value.template.id);
  if (!template.ok) throw new Error(template.error.message);
  return { model: analyze(parsed.value, template.value).model, template: template.value };
}
