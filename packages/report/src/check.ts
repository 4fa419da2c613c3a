/**
 * The gate `bulwark check` applies in CI: an expression over a threat's fields, e.g.
 * `status=not-started and priority=high`, `priority in (high, medium) and not status=mitigated`.
 *
 *   expr       := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" expr ")" | test
 *   test       := FIELD ("=" | "!=") VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
 *
 * Fields: status, priority, category, type, origin, element (a name or id on the threat's
 * interaction or element), orphaned, outofscope (true/false). Values compare without regard to
 * case, spaces and dashes ("Not started" = not-started), and may be quoted ("Web app").
 * A small hand-written parser, like the rule language's: it names the column of every mistake.
 */
import type { Threat } from '@bulwark/core';

/** A mistake in an expression, with the (1-based) column where it is. */
export class CheckExpressionError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The expression `bulwark check` uses when none is given: any untriaged high-priority threat. */
export const DEFAULT_FAIL_ON = 'status=not-started and priority=high';

export const CHECK_FIELDS = [
  'status',
  'priority',
  'category',
  'type',
  'origin',
  'element',
  'orphaned',
  'outofscope',
] as const;
type Field = (typeof CHECK_FIELDS)[number];

type Node =
  | { op: 'or' | 'and'; left: Node; right: Node }
  | { op: 'not'; operand: Node }
  | { op: 'test'; field: Field; values: string[]; negate: boolean };

interface Token {
  kind: 'word' | 'string' | 'op' | 'end';
  text: string;
  column: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new CheckExpressionError(`The text starting with ${c} is not closed.`, i + 1);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), column: i + 1 });
      i = end + 1;
    } else if (text.startsWith('!=', i)) {
      tokens.push({ kind: 'op', text: '!=', column: i + 1 });
      i += 2;
    } else if ('=(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c, column: i + 1 });
      i++;
    } else {
      const m = /^[^\s=!(),"']+/.exec(text.slice(i));
      if (!m) throw new CheckExpressionError(`Unexpected "${c}".`, i + 1);
      tokens.push({ kind: 'word', text: m[0], column: i + 1 });
      i += m[0].length;
    }
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

/** "Not started", "not-started" and "NOT_STARTED" are the same value. */
export const normalise = (v: string): string => v.toLowerCase().replace(/[\s_-]+/g, '');

/** Parses an expression; throws CheckExpressionError with the column of the first mistake. */
export function parseCheck(text: string): (threat: Threat, names: ReadonlyMap<string, string>) => boolean {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at] as Token;
  const next = () => tokens[at++] as Token;
  const keyword = (word: string) => peek().kind === 'word' && peek().text.toLowerCase() === word;
  const expect = (op: string) => {
    const t = next();
    if (t.kind !== 'op' || t.text !== op)
      throw new CheckExpressionError(
        `Expected "${op}" but found ${t.kind === 'end' ? 'the end' : `"${t.text}"`}.`,
        t.column,
      );
  };
  const value = (): string => {
    const t = next();
    if (t.kind === 'word' || t.kind === 'string') return t.text;
    throw new CheckExpressionError(
      `Expected a value but found ${t.kind === 'end' ? 'the end' : `"${t.text}"`}.`,
      t.column,
    );
  };

  const unary = (): Node => {
    if (keyword('not')) {
      next();
      return { op: 'not', operand: unary() };
    }
    if (peek().kind === 'op' && peek().text === '(') {
      next();
      const inner = or();
      expect(')');
      return inner;
    }
    const f = next();
    if (f.kind !== 'word')
      throw new CheckExpressionError(
        `Expected a field (${CHECK_FIELDS.join(', ')}) but found ${f.kind === 'end' ? 'the end' : `"${f.text}"`}.`,
        f.column,
      );
    const field = CHECK_FIELDS.find((x) => x === f.text.toLowerCase());
    if (!field)
      throw new CheckExpressionError(`Unknown field "${f.text}": use one of ${CHECK_FIELDS.join(', ')}.`, f.column);
    if (keyword('in')) {
      next();
      expect('(');
      const values = [value()];
      while (peek().kind === 'op' && peek().text === ',') {
        next();
        values.push(value());
      }
      expect(')');
      return { op: 'test', field, values, negate: false };
    }
    const op = next();
    if (op.kind !== 'op' || (op.text !== '=' && op.text !== '!='))
      throw new CheckExpressionError(
        `Expected "=", "!=" or "in" after ${field} but found ${op.kind === 'end' ? 'the end' : `"${op.text}"`}.`,
        op.column,
      );
    return { op: 'test', field, values: [value()], negate: op.text === '!=' };
  };
  const and = (): Node => {
    let left = unary();
    while (keyword('and')) {
      next();
      left = { op: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (keyword('or')) {
      next();
      left = { op: 'or', left, right: and() };
    }
    return left;
  };

  if (peek().kind === 'end') throw new CheckExpressionError('The expression is empty.', 1);
  const tree = or();
  const rest = peek();
  if (rest.kind !== 'end')
    throw new CheckExpressionError(`Unexpected "${rest.text}": join tests with "and" or "or".`, rest.column);
  return (threat, names) => evaluate(tree, threat, names);
}

/** The values a threat has for a field, normalised (several for `element`: both ends and the flow). */
function valuesOf(field: Field, t: Threat, names: ReadonlyMap<string, string>): string[] {
  switch (field) {
    case 'status':
      return [t.status];
    case 'priority':
      return [t.priority];
    case 'category':
      return [t.category];
    case 'type':
      return [t.typeId];
    case 'origin':
      return [t.origin];
    case 'orphaned':
      return [String(t.orphaned === true)];
    case 'outofscope':
      return [String(t.outOfScope === true)];
    case 'element': {
      const ids = t.interaction
        ? [t.interaction.sourceId, t.interaction.flowId, t.interaction.targetId]
        : t.elementId
          ? [t.elementId]
          : [];
      return ids.flatMap((id) => [id, names.get(id) ?? id]);
    }
  }
}

function evaluate(node: Node, t: Threat, names: ReadonlyMap<string, string>): boolean {
  switch (node.op) {
    case 'or':
      return evaluate(node.left, t, names) || evaluate(node.right, t, names);
    case 'and':
      return evaluate(node.left, t, names) && evaluate(node.right, t, names);
    case 'not':
      return !evaluate(node.operand, t, names);
    case 'test': {
      const have = valuesOf(node.field, t, names).map(normalise);
      const hit = node.values.some((v) => have.includes(normalise(v)));
      return node.negate ? !hit : hit;
    }
  }
}
