/** The stencil palette: the template's element types by kind, searchable, dragged onto the canvas. */
import type { Element, ResolvedTemplate } from '@bulwark/core';
import { sizeOf } from '@bulwark/report';
import { useState } from 'react';
import './canvasLabels.css';
import { iconOf, TypeIcon, typeClues } from './TypeIcon.js';

const GROUPS: [string, string][] = [
  ['externalEntity', 'External entities'],
  ['process', 'Processes'],
  ['dataStore', 'Data stores'],
  ['trustBoundary', 'Trust boundaries'],
  ['annotation', 'Notes'],
];

/** A new box boundary starts large enough to drop shapes into (other shapes take the shared sizes). */
const NEW_BOUNDARY = { width: 320, height: 220 };

/** A new element of a template type, centred at `at`. */
export function stencilElement(
  template: ResolvedTemplate,
  typeId: string,
  id: string,
  at: { x: number; y: number },
): Element | undefined {
  const type = template.types.get(typeId);
  if (!type || type.kind === 'dataFlow') return undefined;
  const size = type.kind === 'trustBoundary' ? NEW_BOUNDARY : sizeOf(type.kind);
  const position = { x: Math.round(at.x - size.width / 2), y: Math.round(at.y - size.height / 2), ...size };
  const base = { id, typeId, name: type.name };
  if (type.kind === 'trustBoundary') {
    if (type.shape === 'line') {
      return {
        kind: 'trustBoundary',
        shape: 'line',
        ...base,
        path: { source: { x: at.x, y: at.y - 120 }, target: { x: at.x, y: at.y + 120 } },
      };
    }
    return { kind: 'trustBoundary', shape: 'box', ...base, position };
  }
  return { kind: type.kind, ...base, position } as Element;
}

export function Palette({ template, onAdd }: { template: ResolvedTemplate; onAdd: (typeId: string) => void }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const types = [...template.types.values()].filter(
    (t) =>
      t.kind !== 'dataFlow' &&
      !template.template.elementTypes.find((e) => e.id === t.id)?.hidden &&
      (q === '' || t.name.toLowerCase().includes(q)),
  );
  return (
    <nav className="bw-palette" aria-label="Stencils">
      <input
        aria-label="Search stencils"
        placeholder="Search stencils"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {GROUPS.map(([kind, label]) => {
        const items = types.filter((t) => t.kind === kind);
        if (items.length === 0) return null;
        return (
          <section key={kind}>
            <h3>{label}</h3>
            {items.map((t) => (
              <button
                type="button"
                key={t.id}
                aria-label={`Add ${t.name}`}
                className={`bw-stencil bw-stencil-${t.kind}${t.shape === 'line' ? '-line' : ''}`}
                draggable
                onClick={() => onAdd(t.id)}
                data-type={t.id}
                title={template.template.elementTypes.find((e) => e.id === t.id)?.description ?? t.name}
                onDragStart={(e) => {
                  e.dataTransfer.setData('application/bulwark-type', t.id);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
              >
                <TypeIcon icon={iconOf(t.kind, typeClues(template, t.id))} />
                <span>{t.name}</span>
              </button>
            ))}
          </section>
        );
      })}
    </nav>
  );
}
