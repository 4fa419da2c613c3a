/**
 * A template carried inside a model (`template.embedded`), for a model whose template its
 * readers may not have: a .tm7 converted to a Bulwark model takes the file's knowledge base with
 * it, so the CLI elsewhere and a server can analyse it as the tool did.
 */
import { type BulwarkError, bulwarkError, err, ok, type Result } from '../errors.js';
import type { ThreatModel } from '../model/ThreatModelSchema.js';
import { parseTemplate } from './resolveTemplate.js';
import type { Template } from './TemplateSchema.js';

const PATH = 'template.embedded';

/** The model with its template inside it (named and versioned as the template is). */
export function embedTemplate(model: ThreatModel, template: Template): ThreatModel {
  return {
    ...model,
    template: { id: template.id, version: template.version, embedded: template as unknown as Record<string, unknown> },
  };
}

/** The model without the template inside it, naming the template it had. */
export function withoutEmbeddedTemplate(model: ThreatModel): ThreatModel {
  const { embedded: _embedded, ...ref } = model.template;
  return { ...model, template: ref };
}

const under = (e: BulwarkError): BulwarkError => ({
  ...e,
  path: e.path && e.path !== '(root)' ? `${PATH}.${e.path}` : PATH,
});

/**
 * The template a model carries, checked as a template file is: undefined when it carries none,
 * an error (with its path under `template.embedded`) when it is not a valid template or is not
 * the template the model names.
 */
export function embeddedTemplate(model: ThreatModel, file?: string): Result<Template | undefined> {
  const embedded = model.template.embedded;
  if (embedded === undefined) return ok(undefined);
  const parsed = parseTemplate(embedded, file);
  if (!parsed.ok) return err({ ...under(parsed.error), details: (parsed.error.details ?? []).map(under) });
  const t = parsed.value;
  const { id, version } = model.template;
  if (t.id !== id || (version !== undefined && t.version !== version))
    return err(
      bulwarkError(
        'TEMPLATE_INVALID',
        `The embedded template is "${t.id}" version ${t.version}, but the model names "${id}"${version !== undefined ? ` version ${version}` : ''}; make template.id and template.version those of the embedded template, or remove template.embedded.`,
        { ...(file !== undefined ? { file } : {}), path: PATH },
      ),
    );
  return ok(t);
}
