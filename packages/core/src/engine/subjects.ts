/** How elements look to rules and placeholders: their template type and property values. */
import type { Element, ElementKind } from '../model/ThreatModelSchema.js';
import type { TextSubject } from '../placeholders.js';
import type { ResolvedTemplate, ResolvedType } from '../template/resolveTemplate.js';

const GENERIC_FOR_KIND: Record<ElementKind, string> = {
  process: 'GE.P',
  dataStore: 'GE.DS',
  externalEntity: 'GE.EI',
  dataFlow: 'GE.DF',
  trustBoundary: 'GE.TB.B',
  annotation: 'GE.A',
};

/** The generic type id for an element kind (line boundaries are GE.TB.L). */
export function genericTypeFor(el: Element): string {
  if (el.kind === 'trustBoundary' && el.shape === 'line') return 'GE.TB.L';
  return GENERIC_FOR_KIND[el.kind];
}

/**
 * The resolved type of an element: its own type, or, when the template does not know it, the
 * generic type of its kind (validation reports the unknown type).
 */
export function typeOf(el: Element, template: ResolvedTemplate): ResolvedType | undefined {
  return template.types.get(el.typeId) ?? template.types.get(genericTypeFor(el));
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** Builds (and caches per element) the subject rules and placeholders see. */
export function subjectCache(template: ResolvedTemplate): (el: Element) => TextSubject {
  const cache = new Map<Element, TextSubject>();
  const noTypes: ReadonlySet<string> = new Set();
  return (el) => {
    let subject = cache.get(el);
    if (!subject) {
      const type = typeOf(el, template);
      subject = {
        name: oneLine(displayName(el)),
        types: type?.chainSet ?? noTypes,
        props: el.properties ?? EMPTY,
        defaults: type?.defaults ?? EMPTY,
      };
      cache.set(el, subject);
    }
    return subject;
  };
}

/**
 * A name on one line, as threat titles and tables show it: each line's trailing spaces dropped
 * and the lines joined with a space (what the Microsoft tool does with multi-line labels).
 */
export function oneLine(name: string): string {
  if (!/[\r\n]/.test(name)) return name;
  return name
    .split(/\r\n|\r|\n/)
    .map((line) => line.trimEnd())
    .join(' ');
}

/** The name as tables show it: grouped elements say so ("Build servers (grouped)"). */
export function displayName(el: Element): string {
  if ('grouped' in el && el.grouped && !/\(grouped\)\s*$/i.test(el.name)) return `${el.name} (grouped)`;
  return el.name;
}
