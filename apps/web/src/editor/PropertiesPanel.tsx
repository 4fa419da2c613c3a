/** The properties of the selected element: name, type, typed properties, out of scope; and its interactions. */

import type { Element, InteractionSection, ResolvedTemplate } from '@bulwark/core';
import { displayName } from '@bulwark/core';
import { TextField } from '../TextField.js';
import { ElementThreats, type ElementThreatsProps } from '../threats/ElementThreats.js';
import { type Action, newId } from './actions/actions.js';

type ElementAction =
  Extract<Action, { diagramId: string }> extends infer A
    ? A extends { diagramId: string }
      ? Omit<A, 'diagramId'>
      : never
    : never;

export function PropertiesPanel({
  element,
  template,
  crosses,
  sections,
  onAction,
  readOnly = false,
  detail,
  onOpenDiagram,
  threats,
}: {
  element: Element;
  template: ResolvedTemplate;
  crosses: boolean;
  sections: InteractionSection[];
  onAction: (a: ElementAction) => void;
  readOnly?: boolean;
  /** The element's detail diagram, when it has one. */
  detail: { id: string; name: string } | undefined;
  onOpenDiagram: (id: string) => void;
  /** The model's threats, for the list of this element's (ElementThreats). */
  threats?: Omit<ElementThreatsProps, 'elementId'>;
}) {
  const type = template.types.get(element.typeId);
  const sameKind = [...template.types.values()].filter(
    (t) => t.kind === element.kind && (element.kind !== 'trustBoundary' || t.shape === type?.shape),
  );
  return (
    <div className="bw-props">
      <h2>{displayName(element)}</h2>
      <fieldset disabled={readOnly} className="bw-fieldset">
        <label>
          Name
          <TextField
            key={`${element.id}-name`}
            value={element.name}
            onCommit={(value) => onAction({ type: 'setField', id: element.id, field: 'name', value })}
          />
        </label>
        <label>
          Type
          <select
            value={element.typeId}
            onChange={(e) => onAction({ type: 'setField', id: element.id, field: 'typeId', value: e.target.value })}
          >
            {sameKind.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        {element.kind === 'dataFlow' && (
          <>
            <p>
              Crosses boundary: <strong data-testid="crosses">{crosses ? 'yes' : 'no'}</strong>
            </p>
            <label className="bw-check">
              <input
                type="checkbox"
                checked={element.bidirectional === true}
                onChange={(e) =>
                  onAction({ type: 'setField', id: element.id, field: 'bidirectional', value: e.target.checked })
                }
              />
              Bi-directional
            </label>
          </>
        )}
        {(type?.properties ?? []).map((p) => {
          const value = element.properties?.[p.id] ?? type?.defaults[p.id];
          if (p.type === 'boolean') {
            return (
              <label key={p.id} className="bw-check" title={p.description}>
                <input
                  type="checkbox"
                  checked={value === true}
                  onChange={(e) =>
                    onAction({ type: 'setProperty', id: element.id, key: p.id, value: e.target.checked })
                  }
                />
                {p.name}
              </label>
            );
          }
          if (p.type === 'list') {
            return (
              <label key={p.id} title={p.description}>
                {p.name}
                <select
                  value={String(value ?? '')}
                  onChange={(e) => onAction({ type: 'setProperty', id: element.id, key: p.id, value: e.target.value })}
                >
                  {(p.values ?? []).map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              </label>
            );
          }
          return (
            <label key={p.id} title={p.description}>
              {p.name}
              <TextField
                key={`${element.id}-${p.id}`}
                value={String(value ?? '')}
                onCommit={(v) => onAction({ type: 'setProperty', id: element.id, key: p.id, value: v })}
              />
            </label>
          );
        })}
        {element.kind !== 'dataFlow' && element.kind !== 'trustBoundary' && element.kind !== 'annotation' && (
          <label className="bw-check">
            <input
              type="checkbox"
              checked={element.grouped === true}
              onChange={(e) =>
                onAction({ type: 'setField', id: element.id, field: 'grouped', value: e.target.checked })
              }
            />
            Stands for a group
          </label>
        )}
        <label className="bw-check">
          <input
            type="checkbox"
            checked={element.outOfScope === true}
            onChange={(e) =>
              onAction({ type: 'setField', id: element.id, field: 'outOfScope', value: e.target.checked })
            }
          />
          Out of scope
        </label>
        {element.outOfScope && (
          <label>
            Reason
            <TextField
              key={`${element.id}-oos`}
              value={element.outOfScopeReason ?? ''}
              onCommit={(value) => onAction({ type: 'setField', id: element.id, field: 'outOfScopeReason', value })}
            />
          </label>
        )}
        {(element.kind === 'process' || element.kind === 'dataStore' || element.kind === 'externalEntity') && (
          <fieldset className="bw-fieldset bw-detail" aria-label="Detail diagram">
            {detail ? (
              <>
                <span>
                  Detailed in <strong>{detail.name}</strong>
                </span>
                <button type="button" onClick={() => onOpenDiagram(detail.id)}>
                  Open detail diagram
                </button>
                <button
                  type="button"
                  title="The diagram stays; this element no longer leads to it"
                  onClick={() => onAction({ type: 'unlinkChildDiagram', elementId: element.id })}
                >
                  Unlink
                </button>
              </>
            ) : (
              <button
                type="button"
                title="A new diagram that shows what is inside this element (a deeper level)"
                onClick={() =>
                  onAction({
                    type: 'addChildDiagram',
                    elementId: element.id,
                    id: newId('diagram'),
                    name: `${element.name || 'Element'} (detail)`,
                  })
                }
              >
                Create detail diagram
              </button>
            )}
          </fieldset>
        )}
      </fieldset>
      {sections.map((s) => (
        <table key={s.elementId} className="bw-table bw-interactions" aria-label={`Interactions of ${s.element}`}>
          <thead>
            <tr>
              <th>Element A</th>
              <th>Data flow</th>
              <th>Element B</th>
              <th>Crosses boundary</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {s.rows.map((r) => (
              <tr key={`${r.flowId}-${r.elementBId}`}>
                <td>{r.elementA}</td>
                <td>{r.direction === 'bidirectional' ? 'Bi-directional' : r.aToB ? 'One-way →' : 'One-way ←'}</td>
                <td>{r.elementB}</td>
                <td>{r.crossesBoundary ? 'Yes' : 'No'}</td>
                <td>{r.details.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {threats && <ElementThreats elementId={element.id} {...threats} />}
    </div>
  );
}
