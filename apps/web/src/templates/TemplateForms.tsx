/**
 * The template editor's forms: one element type (name, parent, shape, description, properties
 * with their allowed values and defaults) and the threat categories. Each edit hands back a
 * changed copy; the editor keeps the one draft.
 */
import type { ElementType, PropertyDef, Template, ThreatCategory } from '@bulwark/core';
import { kindOf } from './templateTools.js';

/** The kinds a root type may be, as the form names them. */
const KINDS: { value: NonNullable<ElementType['kind']>; label: string }[] = [
  { value: 'process', label: 'Process (circle)' },
  { value: 'dataStore', label: 'Data store (parallel lines)' },
  { value: 'externalEntity', label: 'External entity (rectangle)' },
  { value: 'dataFlow', label: 'Data flow (arrow)' },
  { value: 'trustBoundary', label: 'Trust boundary' },
  { value: 'annotation', label: 'Annotation' },
];

/** Values typed as a comma-separated list. */
const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

function PropertyRow({
  property,
  onChange,
  onRemove,
  readOnly,
}: {
  property: PropertyDef;
  onChange: (p: PropertyDef) => void;
  onRemove: () => void;
  readOnly: boolean;
}) {
  const values = property.values ?? [];
  const set = (patch: Partial<PropertyDef>) => onChange({ ...property, ...patch });
  return (
    <tr>
      <td>
        <input
          aria-label="Property key"
          value={property.id}
          readOnly={readOnly}
          onChange={(e) => set({ id: e.target.value })}
        />
      </td>
      <td>
        <input
          aria-label="Property label"
          value={property.name}
          readOnly={readOnly}
          onChange={(e) => set({ name: e.target.value })}
        />
      </td>
      <td>
        <select
          aria-label="Property type"
          value={property.type}
          disabled={readOnly}
          onChange={(e) => {
            const type = e.target.value as PropertyDef['type'];
            set({ type, values: type === 'list' ? values : undefined, default: undefined });
          }}
        >
          <option value="list">list</option>
          <option value="boolean">yes/no</option>
          <option value="text">text</option>
        </select>
      </td>
      <td>
        {property.type === 'list' && (
          <input
            aria-label="Allowed values"
            placeholder="No, Yes"
            defaultValue={values.join(', ')}
            readOnly={readOnly}
            onBlur={(e) => set({ values: splitList(e.target.value) })}
          />
        )}
      </td>
      <td>
        {property.type === 'list' ? (
          <select
            aria-label="Default value"
            value={String(property.default ?? values[0] ?? '')}
            disabled={readOnly}
            onChange={(e) => set({ default: e.target.value === values[0] ? undefined : e.target.value })}
          >
            {values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        ) : property.type === 'boolean' ? (
          <select
            aria-label="Default value"
            value={property.default === true ? 'true' : 'false'}
            disabled={readOnly}
            onChange={(e) => set({ default: e.target.value === 'true' })}
          >
            <option value="false">No</option>
            <option value="true">Yes</option>
          </select>
        ) : (
          <input
            aria-label="Default value"
            value={String(property.default ?? '')}
            readOnly={readOnly}
            onChange={(e) => set({ default: e.target.value || undefined })}
          />
        )}
      </td>
      <td>
        {!readOnly && (
          <button type="button" aria-label={`Remove property ${property.name}`} onClick={onRemove}>
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

/** One element type's form. */
export function ElementTypeForm({
  type,
  template,
  onChange,
  readOnly,
}: {
  type: ElementType;
  template: Template;
  onChange: (t: ElementType) => void;
  readOnly: boolean;
}) {
  const set = (patch: Partial<ElementType>) => onChange({ ...type, ...patch });
  const generic = type.id.startsWith('GE.');
  const properties = type.properties ?? [];
  const setProperties = (ps: PropertyDef[]) => set({ properties: ps.length > 0 ? ps : undefined });
  return (
    <fieldset className="bw-tpl-form" disabled={readOnly}>
      <legend>{type.name}</legend>
      <label>
        Id <input value={type.id} readOnly={generic || readOnly} onChange={(e) => set({ id: e.target.value })} />
      </label>
      <label>
        Name <input value={type.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      {!generic && (
        <label>
          Parent type{' '}
          <select
            value={type.parent ?? ''}
            onChange={(e) =>
              set(
                e.target.value === ''
                  ? { parent: undefined, kind: type.kind ?? 'process' }
                  : { parent: e.target.value, kind: undefined, shape: undefined },
              )
            }
          >
            <option value="">(none: a root type of its own)</option>
            {template.elementTypes
              .filter((t) => t.id !== type.id)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.id})
                </option>
              ))}
          </select>
        </label>
      )}
      {type.parent !== undefined && (
        <p className="bw-muted">
          Shape:{' '}
          {KINDS.find((k) => k.value === kindOf(template, type.id))?.label ?? 'unknown (the parent chain is broken)'},
          from its parent types.
        </p>
      )}
      {!generic && type.parent === undefined && (
        <label>
          Shape{' '}
          <select value={type.kind ?? 'process'} onChange={(e) => set({ kind: e.target.value as ElementType['kind'] })}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {!generic && type.parent === undefined && type.kind === 'trustBoundary' && (
        <label>
          Boundary drawn as{' '}
          <select value={type.shape ?? 'box'} onChange={(e) => set({ shape: e.target.value as 'box' | 'line' })}>
            <option value="box">a box</option>
            <option value="line">a line</option>
          </select>
        </label>
      )}
      <label className="bw-tpl-wide">
        Description{' '}
        <textarea
          rows={2}
          value={type.description ?? ''}
          onChange={(e) => set({ description: e.target.value || undefined })}
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={type.hidden === true}
          onChange={(e) => set({ hidden: e.target.checked || undefined })}
        />{' '}
        Hidden from the palette
      </label>
      <h3>Properties</h3>
      <p className="bw-muted">Added to those it inherits from its parent types. Lists default to their first value.</p>
      <table className="bw-table bw-tpl-props">
        <thead>
          <tr>
            <th>Key (used in rules)</th>
            <th>Label</th>
            <th>Type</th>
            <th>Allowed values</th>
            <th>Default</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {properties.map((p, i) => (
            <PropertyRow
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, keys may be typed anew
              key={i}
              property={p}
              readOnly={readOnly}
              onChange={(changed) => setProperties(properties.map((q, j) => (j === i ? changed : q)))}
              onRemove={() => setProperties(properties.filter((_, j) => j !== i))}
            />
          ))}
        </tbody>
      </table>
      {!readOnly && (
        <button
          type="button"
          onClick={() =>
            setProperties([
              ...properties,
              { id: `property${properties.length + 1}`, name: 'New property', type: 'list', values: ['No', 'Yes'] },
            ])
          }
        >
          Add property
        </button>
      )}
    </fieldset>
  );
}

/** The threat categories, as a table. */
export function CategoriesForm({
  categories,
  onChange,
  readOnly,
}: {
  categories: ThreatCategory[];
  onChange: (cs: ThreatCategory[]) => void;
  readOnly: boolean;
}) {
  const set = (i: number, patch: Partial<ThreatCategory>) =>
    onChange(categories.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset className="bw-tpl-form" disabled={readOnly}>
      <legend>Threat categories</legend>
      <table className="bw-table">
        <thead>
          <tr>
            <th>Id</th>
            <th>Name</th>
            <th>Description</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {categories.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, ids may be typed anew
            <tr key={i}>
              <td>
                <input aria-label="Category id" value={c.id} onChange={(e) => set(i, { id: e.target.value })} />
              </td>
              <td>
                <input aria-label="Category name" value={c.name} onChange={(e) => set(i, { name: e.target.value })} />
              </td>
              <td>
                <input
                  aria-label="Category description"
                  className="bw-tpl-wide"
                  value={c.description ?? ''}
                  onChange={(e) => set(i, { description: e.target.value || undefined })}
                />
              </td>
              <td>
                {!readOnly && (
                  <button type="button" onClick={() => onChange(categories.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!readOnly && (
        <button
          type="button"
          onClick={() => onChange([...categories, { id: `C${categories.length + 1}`, name: 'New category' }])}
        >
          Add category
        </button>
      )}
    </fieldset>
  );
}
