/** An element type's icon (`@bulwark/report`'s `elementIcon`, from Lucide) as an inline SVG, hidden from screen readers. */
import type { ResolvedTemplate } from '@bulwark/core';
import { type ElementIcon, elementIcon } from '@bulwark/report';
import { createElement } from 'react';

const found = new Map<string, ElementIcon | undefined>();

/** The icon for a kind and its clues (type id, type names, element name), looked up once per combination. */
export function iconOf(kind: string, clues: readonly (string | undefined)[]): ElementIcon | undefined {
  const key = `${kind}\u0000${clues.join('\u0000')}`;
  if (!found.has(key)) {
    // Element names are many on a large model: keep the memo small.
    if (found.size > 5000) found.clear();
    found.set(key, elementIcon(kind, clues));
  }
  return found.get(key);
}

/** What a type's icon is chosen by: its id, then its name and its parents' names in the template. */
export function typeClues(template: ResolvedTemplate | undefined, typeId: string): string[] {
  const chain = template?.types.get(typeId)?.chain ?? [typeId];
  return [typeId, ...chain.map((id) => template?.types.get(id)?.name ?? id)];
}

export function TypeIcon({ icon, className }: { icon: ElementIcon | undefined; className?: string }) {
  if (!icon) return null;
  return (
    <svg
      className={`bw-icon bw-icon-${icon.name}${className ? ` ${className}` : ''}`}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {icon.node.map(([tag, attrs], i) => createElement(tag, { key: i, ...attrs }))}
    </svg>
  );
}
