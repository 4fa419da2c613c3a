/**
 * Text with placeholders such as `{source.Name}` or `{flow.protocol}`, compiled once and filled
 * per interaction: threat titles and descriptions, and interaction details.
 */
import type { PropertyValue } from './model/ThreatModelSchema.js';
import { type RuleSubject, subjectValue } from './rules/compileRule.js';

/** An element as placeholders see it: a rule subject plus its name. */
export interface TextSubject extends RuleSubject {
  name: string;
}

/** The elements a text can refer to. */
export type TextContext = Partial<Record<'source' | 'target' | 'flow' | 'element', TextSubject>>;

type Part = string | { role: keyof TextContext; attr: string };

const PLACEHOLDER = /\{(source|target|flow|element)\.([A-Za-z0-9_\-[\] ]+?)\}/g;

function show(value: PropertyValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Compiles a text with placeholders into a function that fills them. Unknown ones become empty. */
export function compileText(text: string): (ctx: TextContext) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push({ role: match[1] as keyof TextContext, attr: match[2] as string });
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.every((p) => typeof p === 'string')) return () => text;
  return (ctx) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const subject = ctx[part.role];
      if (!subject) continue;
      out += part.attr.toLowerCase() === 'name' ? subject.name : show(subjectValue(subject, part.attr));
    }
    return out;
  };
}
