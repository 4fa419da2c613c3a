/**
 * One threat type in the template editor: title and description with placeholders and their
 * preview on an interaction of the picked model, category, scope, default priority, the include
 * and exclude rules (RuleEditor), which interactions of the model they hit, mitigations and
 * references.
 */
import {
  computeInteractions,
  type InteractionSet,
  type Template,
  type ThreatModel,
  type ThreatType,
} from '@bulwark/core';
import { useDeferredValue, useMemo, useState } from 'react';
import { RuleEditor } from './RuleEditor.js';
import { modelInteractions, previewThreat, ruleProblem, threatTypeMatches } from './templateTools.js';

/** Lines of a textarea as a list (empty lines dropped); an empty list is no list. */
const lines = (text: string): string[] | undefined => {
  const list = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return list.length > 0 ? list : undefined;
};

/** The model and its interactions, worked out once per model (not on every keystroke). */
interface Trial {
  model: ThreatModel;
  interactions: InteractionSet;
}

function Matches({
  trial: { model, interactions },
  template,
  type: typed,
  onPick,
}: {
  trial: Trial;
  template: Template;
  type: ThreatType;
  onPick: (key: string) => void;
}) {
  // Typing stays quick on a large model: the list catches up when the browser is idle.
  const type = useDeferredValue(typed);
  const ready =
    type.include.trim() !== '' &&
    !ruleProblem(type.include, type.scope) &&
    !ruleProblem(type.exclude ?? '', type.scope);
  const result = useMemo(
    () => (ready ? threatTypeMatches(model, template, type, interactions) : undefined),
    [model, interactions, template, type, ready],
  );
  return (
    <section className="bw-tpl-matches" aria-label="Matches in this model">
      <h3>Matches in “{model.metadata.name}”</h3>
      {!result ? (
        <p className="bw-muted">Fix the rules to see what they match.</p>
      ) : !result.ok ? (
        <p className="bw-error">{result.message}</p>
      ) : result.matches.length === 0 ? (
        <p className="bw-muted">No interaction of this model produces this threat.</p>
      ) : (
        <>
          <p className="bw-muted">
            {result.matches.length} {result.matches.length === 1 ? 'threat' : 'threats'}
          </p>
          <ul>
            {result.matches.map((m) => (
              <li key={m.threatId}>
                <button
                  type="button"
                  className="bw-link"
                  title="Preview on this interaction"
                  onClick={() => onPick(m.key)}
                >
                  {m.label}
                </button>
                <span>{m.title}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Preview({
  trial: { model, interactions },
  template,
  type,
  choice: key,
  onPick: setKey,
}: {
  trial: Trial;
  template: Template;
  type: ThreatType;
  choice: string | undefined;
  onPick: (key: string) => void;
}) {
  const choices = useMemo(() => modelInteractions(model, interactions), [model, interactions]);
  const chosen = choices.find((c) => c.key === key) ?? choices[0];
  const filled = chosen ? previewThreat(model, template, type, chosen.key, interactions) : undefined;
  return (
    <section className="bw-tpl-preview" aria-label="Preview">
      <h3>Preview</h3>
      {choices.length === 0 ? (
        <p className="bw-muted">This model has no flows to preview the text on.</p>
      ) : (
        <>
          <label>
            On{' '}
            <select value={chosen?.key} onChange={(e) => setKey(e.target.value)}>
              {choices.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          {filled && (
            <div className="bw-tpl-preview-text">
              <p className="bw-tpl-preview-title">{filled.title}</p>
              <p>{filled.description}</p>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function ThreatTypeForm({
  type,
  template,
  model,
  onChange,
  readOnly,
}: {
  type: ThreatType;
  template: Template;
  model: ThreatModel | undefined;
  onChange: (t: ThreatType) => void;
  readOnly: boolean;
}) {
  const set = (patch: Partial<ThreatType>) => onChange({ ...type, ...patch });
  // The interaction the preview fills the text for (the first one until another is picked).
  const [previewOn, setPreviewOn] = useState<string | undefined>();
  const trial = useMemo(() => (model ? { model, interactions: computeInteractions(model) } : undefined), [model]);
  const scope = type.scope ?? 'interaction';
  const priorities = template.priorities ?? ['High', 'Medium', 'Low'];
  return (
    <div className="bw-tpl-threat">
      <fieldset className="bw-tpl-form" disabled={readOnly}>
        <legend>{type.title}</legend>
        <label>
          Id <input value={type.id} onChange={(e) => set({ id: e.target.value })} />
        </label>
        <label>
          Category{' '}
          <select value={type.category} onChange={(e) => set({ category: e.target.value })}>
            {!template.categories.some((c) => c.id === type.category) && <option value={type.category}>(none)</option>}
            {template.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Applies to{' '}
          <select value={scope} onChange={(e) => set({ scope: e.target.value === 'element' ? 'element' : undefined })}>
            <option value="interaction">each interaction (source, flow, target)</option>
            <option value="element">each element</option>
          </select>
        </label>
        <label>
          Default priority{' '}
          <select value={type.priority} onChange={(e) => set({ priority: e.target.value })}>
            {!priorities.includes(type.priority) && <option value={type.priority}>{type.priority}</option>}
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="bw-tpl-wide">
          Title <input value={type.title} onChange={(e) => set({ title: e.target.value })} />
        </label>
        <label className="bw-tpl-wide">
          Description{' '}
          <textarea rows={3} value={type.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <p className="bw-muted bw-tpl-wide">
          Placeholders: {scope === 'element' ? '{element.Name}' : '{source.Name}, {flow.Name}, {target.Name}'} and{' '}
          {scope === 'element' ? '{element.<key>}' : '{source.<key>}'} for a property.
        </p>
        <div className="bw-tpl-wide">
          <RuleEditor
            label="Include: the threat applies when"
            value={type.include}
            scope={scope}
            readOnly={readOnly}
            required
            onChange={(include) => set({ include })}
          />
          <RuleEditor
            label="Exclude: unless"
            value={type.exclude ?? ''}
            scope={scope}
            readOnly={readOnly}
            onChange={(exclude) => set({ exclude: exclude === '' ? undefined : exclude })}
          />
        </div>
        <label className="bw-tpl-wide">
          Mitigations (one per line){' '}
          <textarea
            rows={3}
            defaultValue={(type.mitigations ?? []).join('\n')}
            onBlur={(e) => set({ mitigations: lines(e.target.value) })}
          />
        </label>
        <label className="bw-tpl-wide">
          References (one per line: CWE-…, CAPEC-… or a link){' '}
          <textarea
            rows={2}
            defaultValue={(type.references ?? []).join('\n')}
            onBlur={(e) => set({ references: lines(e.target.value) })}
          />
        </label>
      </fieldset>
      <aside className="bw-tpl-side">
        {trial ? (
          <>
            <Matches trial={trial} template={template} type={type} onPick={setPreviewOn} />
            <Preview trial={trial} template={template} type={type} choice={previewOn} onPick={setPreviewOn} />
          </>
        ) : (
          <p className="bw-muted">
            Pick a model above to see which of its interactions the rules match, and a preview.
          </p>
        )}
      </aside>
    </div>
  );
}
