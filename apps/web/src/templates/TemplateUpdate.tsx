/**
 * The model editor's template update notice: when the model's template has a newer stored
 * version than the one the model was last analysed with, it says so and, before anything
 * changes, previews which threats would appear and disappear; applying it switches the model to
 * that version and regenerates its threats as one undoable edit (`setTemplate`, the editor's `onApply`). It
 * also keeps the editor's template on the version the model names (after an undo, say).
 */
import { type ResolvedTemplate, resolveTemplate, type ThreatModel } from '@bulwark/core';
import { useEffect, useRef, useState } from 'react';
import { getTemplateAt, templateOfModel, templateVersions } from './templatesApi.js';
import { type ReapplyPreview, reapplyPreview } from './templateTools.js';
import './templates.css';

/** Resolves a template fetched from the server; a template that does not resolve is an error. */
async function resolved(fetching: Promise<Parameters<typeof resolveTemplate>[0]>): Promise<ResolvedTemplate> {
  const r = resolveTemplate(await fetching);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export function TemplateUpdate({
  model,
  template,
  readOnly,
  onTemplate,
  onApply,
}: {
  model: ThreatModel;
  template: ResolvedTemplate;
  readOnly: boolean;
  /** The editor's template should be this one (the version the model names). */
  onTemplate: (t: ResolvedTemplate) => void;
  /** Switch the model to this template version (`reapplyTemplate` makes it one undoable step). */
  onApply: (t: ResolvedTemplate) => void;
}) {
  const { id, version } = model.template;
  const [newest, setNewest] = useState<string | undefined>();
  const [preview, setPreview] = useState<{ template: ResolvedTemplate; result: ReapplyPreview } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const tried = useRef(new Set<string>());

  useEffect(() => {
    templateVersions(id).then(
      (vs) => setNewest(vs[0]?.version),
      () => setNewest(undefined),
    );
  }, [id]);

  // Undo or redo can take the model back to another template version: follow it (once per version).
  useEffect(() => {
    if (!version || version === template.template.version || tried.current.has(version)) return;
    tried.current.add(version);
    resolved(templateOfModel({ id, version })).then(onTemplate, () => undefined);
  }, [id, version, template, onTemplate]);

  if (readOnly || !newest || newest === version) return null;

  async function showPreview() {
    try {
      const next = await resolved(getTemplateAt(id, newest).then((r) => r.template));
      setPreview({ template: next, result: reapplyPreview(model, next) });
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const list = (title: string, threats: ReapplyPreview['appear'], cls: string) => (
    <section aria-label={title}>
      <h3 className={cls}>
        {title} ({threats.length})
      </h3>
      {threats.length === 0 ? (
        <p className="bw-muted">None.</p>
      ) : (
        <ul>
          {threats.map((t) => (
            <li key={t.id}>{t.title}</li>
          ))}
        </ul>
      )}
    </section>
  );

  return (
    <section className="bw-tpl-update" aria-label="Template update">
      <span>
        Template <strong>{template.template.name}</strong> has version {newest} (this model uses{' '}
        {version ?? 'an unnamed version'}).
      </span>
      {!preview ? (
        <button type="button" onClick={showPreview}>
          Re-apply: preview the changes
        </button>
      ) : (
        <>
          <button
            type="button"
            className="bw-primary"
            onClick={() => {
              onApply(preview.template);
              setPreview(undefined);
            }}
          >
            Apply version {newest}
          </button>
          <button type="button" onClick={() => setPreview(undefined)}>
            Not now
          </button>
          <div className="bw-tpl-update-preview">
            {list('Threats that would appear', preview.result.appear, 'bw-tpl-appear')}
            {list('Threats that would disappear', preview.result.disappear, 'bw-tpl-disappear')}
          </div>
        </>
      )}
      {error && <span className="bw-error">{error}</span>}
    </section>
  );
}
