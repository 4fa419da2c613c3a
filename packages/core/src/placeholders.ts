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

type Part = string | ((ctx: TextContext) => string);

const PLACEHOLDER = /\{(source|target|flow|element)\.([A-Za-z0-9_\-[\] ]+?)\}/g;

function show(value: PropertyValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Reads a role's subject with a named (not computed) property access, which V8 keeps fast. */
const SUBJECT: Record<keyof TextContext, (ctx: TextContext) => TextSubject | undefined> = {
  source: (ctx) => ctx.source,
  target: (ctx) => ctx.target,
  flow: (ctx) => ctx.flow,
  element: (ctx) => ctx.element,
};

/** Compiles one placeholder into a function that reads it from a context. */
function placeholder(role: keyof TextContext, attr: string): (ctx: TextContext) => string {
  const get = SUBJECT[role];
  if (attr.toLowerCase() === 'name') return (ctx) => get(ctx)?.name ?? '';
  return (ctx) => {
    const subject = get(ctx);
    return subject ? show(subjectValue(subject, attr)) : '';
  };
}

/** Compiles a text with placeholders into a function that fills them. Unknown ones become empty. */
export function compileText(text: string): (ctx: TextContext) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(placeholder(match[1] as keyof TextContext, match[2] as string));
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 0) return () => '';
  if (parts.every((p) => typeof p === 'string')) return () => text;
  const fns = parts.map((p) => (typeof p === 'string' ? () => p : p));
  if (fns.length === 1) return fns[0] as (ctx: TextContext) => string;
  // join() yields one flat string; `+=` would leave a tree of cons strings per threat, which
  // costs the garbage collector dearly when a model has hundreds of thousands of threats.
  const n = fns.length;
  return (ctx) => {
    const pieces = new Array<string>(n);
    for (let i = 0; i < n; i++) pieces[i] = (fns[i] as (ctx: TextContext) => string)(ctx);
    return pieces.join('');
  };
}
