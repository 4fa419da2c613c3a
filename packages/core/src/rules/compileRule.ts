/**
 * Compiles a rule to a plain closure over a RuleContext: no eval, no new Function. Each
 * compiled rule is built once per template and then called once per interaction or element.
 */
import { bulwarkError, err, ok, type Result } from '../errors.js';
import type { PropertyValue } from '../model/ThreatModelSchema.js';
import { parseRule, type Role, type RuleAst } from './parseRule.js';

/** An element as rules see it: its type chain and its property values. */
export interface RuleSubject {
  /** The element's type id and every ancestor's. */
  types: ReadonlySet<string>;
  /** Values the element sets itself. */
  props: Readonly<Record<string, PropertyValue>>;
  /** Defaults from its type chain, for properties it does not set. */
  defaults: Readonly<Record<string, PropertyValue>>;
}

/** What a rule is evaluated against: one interaction, or one element. */
export interface RuleContext {
  source?: RuleSubject;
  target?: RuleSubject;
  flow?: RuleSubject;
  element?: RuleSubject;
  /** Type ids (with ancestors) of every trust boundary the flow crosses. */
  crossed?: ReadonlySet<string>;
}

/** A compiled rule: the source text, its syntax tree and the predicate. */
export interface CompiledRule {
  source: string;
  ast: RuleAst;
  test: (ctx: RuleContext) => boolean;
}

/** The effective value of a property on a subject, or undefined when it has none. */
export function subjectValue(subject: RuleSubject, attr: string): PropertyValue | undefined {
  if (Object.hasOwn(subject.props, attr)) return subject.props[attr];
  if (Object.hasOwn(subject.defaults, attr)) return subject.defaults[attr];
  return undefined;
}

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);

/** Does a property value equal a rule literal? Booleans accept True/False/Yes/No in any case. */
export function valueMatches(value: PropertyValue | undefined, literal: string): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return value === literal;
  if (typeof value === 'boolean') {
    const word = literal.toLowerCase();
    return value ? TRUE_WORDS.has(word) : FALSE_WORDS.has(word);
  }
  return String(value) === literal;
}

const ROLES_BY_SCOPE: Record<'interaction' | 'element', ReadonlySet<Role>> = {
  interaction: new Set(['source', 'target', 'flow']),
  element: new Set(['element']),
};

function checkScope(ast: RuleAst, scope: 'interaction' | 'element'): string | undefined {
  switch (ast.kind) {
    case 'and':
    case 'or':
      for (const item of ast.items) {
        const problem = checkScope(item, scope);
        if (problem) return problem;
      }
      return undefined;
    case 'not':
      return checkScope(ast.item, scope);
    case 'crosses':
      return scope === 'element'
        ? `"flow crosses" (column ${ast.offset + 1}) needs an interaction; this threat type is element-scoped`
        : undefined;
    case 'is':
    case 'attr':
      if (ROLES_BY_SCOPE[scope].has(ast.role)) return undefined;
      return scope === 'element'
        ? `"${ast.role}" (column ${ast.offset + 1}) is not available in an element-scoped rule; use "element"`
        : `"${ast.role}" (column ${ast.offset + 1}) is only available in element-scoped rules; use source, target or flow`;
  }
}

const NEVER = (): boolean => false;

/**
 * Reads a role's subject with a named property access: `ctx[role]` with a variable key is a
 * slow keyed load in the hot loop, these stay monomorphic.
 */
const ROLE: Record<Role, (c: RuleContext) => RuleSubject | undefined> = {
  source: (c) => c.source,
  target: (c) => c.target,
  flow: (c) => c.flow,
  element: (c) => c.element,
};

function build(ast: RuleAst): (ctx: RuleContext) => boolean {
  switch (ast.kind) {
    case 'and': {
      const parts = ast.items.map(build);
      type Test = (c: RuleContext) => boolean;
      if (parts.length === 2) {
        const [a, b] = parts as [Test, Test];
        return (c) => a(c) && b(c);
      }
      if (parts.length === 3) {
        const [a, b, d] = parts as [Test, Test, Test];
        return (c) => a(c) && b(c) && d(c);
      }
      return (c) => {
        for (const p of parts) if (!p(c)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = ast.items.map(build);
      return (c) => {
        for (const p of parts) if (p(c)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = build(ast.item);
      return (c) => !inner(c);
    }
    case 'is': {
      if (ast.type === 'ROOT') return NEVER;
      const get = ROLE[ast.role];
      const { type } = ast;
      return (c) => get(c)?.types.has(type) ?? false;
    }
    case 'crosses': {
      const { type } = ast;
      return (c) => c.crossed?.has(type) ?? false;
    }
    case 'attr': {
      const get = ROLE[ast.role];
      const { attr, value } = ast;
      return (c) => {
        const subject = get(c);
        return subject !== undefined && valueMatches(subjectValue(subject, attr), value);
      };
    }
  }
}

/** Parses, scope-checks and compiles a rule for interaction- or element-scoped threat types. */
export function compileRule(source: string, scope: 'interaction' | 'element' = 'interaction'): Result<CompiledRule> {
  const parsed = parseRule(source);
  if (!parsed.ok) return parsed;
  const problem = checkScope(parsed.value, scope);
  if (problem) return err(bulwarkError('RULE_SCOPE', problem));
  return ok({ source, ast: parsed.value, test: build(parsed.value) });
}
