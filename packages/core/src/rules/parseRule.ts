/**
 * Parser for the Microsoft Threat Modeling Tool's generation-filter language (see
 * docs/TEMPLATES.md). Hand-written recursive descent over a tiny grammar: the language has no
 * published grammar file to feed a generator, and errors must carry exact positions.
 */
import { type BulwarkError, bulwarkError, err, ok, type Result } from '../errors.js';

/** A role a rule can talk about. */
export type Role = 'source' | 'target' | 'flow' | 'element';

/** The parsed form of a rule. */
export type RuleAst =
  | { kind: 'and'; items: RuleAst[] }
  | { kind: 'or'; items: RuleAst[] }
  | { kind: 'not'; item: RuleAst }
  | { kind: 'is'; role: Role; type: string; offset: number }
  | { kind: 'crosses'; type: string; offset: number }
  | { kind: 'attr'; role: Role; attr: string; value: string; offset: number };

type Token =
  | { t: 'word'; v: string; offset: number }
  | { t: 'lit'; v: string; offset: number }
  | { t: '(' | ')' | '.'; offset: number }
  | { t: 'end'; offset: number };

const ROLES: ReadonlySet<string> = new Set(['source', 'target', 'flow', 'element']);

function syntaxError(rule: string, offset: number, message: string): BulwarkError {
  return bulwarkError('RULE_SYNTAX', `${message} at column ${offset + 1}: ${excerpt(rule, offset)}`, {
    column: offset + 1,
  });
}

function excerpt(rule: string, offset: number): string {
  const start = Math.max(0, offset - 20);
  const end = Math.min(rule.length, offset + 20);
  return `${start > 0 ? '…' : ''}${rule.slice(start, offset)}⟨here⟩${rule.slice(offset, end)}${end < rule.length ? '…' : ''}`;
}

/** Characters that may appear in a bare word: role names, keywords, attribute keys, GUIDs. */
function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_\-[\]]/.test(ch);
}

function tokenize(rule: string): Result<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < rule.length) {
    const ch = rule[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === '.') {
      tokens.push({ t: ch, offset: i });
      i++;
    } else if (ch === "'") {
      const close = rule.indexOf("'", i + 1);
      if (close < 0) return err(syntaxError(rule, i, 'Unterminated string literal (missing closing quote)'));
      tokens.push({ t: 'lit', v: rule.slice(i + 1, close), offset: i });
      i = close + 1;
    } else if (isWordChar(ch)) {
      const start = i;
      while (i < rule.length && isWordChar(rule[i] as string)) i++;
      tokens.push({ t: 'word', v: rule.slice(start, i), offset: start });
    } else {
      return err(syntaxError(rule, i, `Unexpected character "${ch}"`));
    }
  }
  tokens.push({ t: 'end', offset: rule.length });
  return ok(tokens);
}

/** Deeper nesting than this is refused: no real rule comes close, and it bounds recursion. */
const MAX_DEPTH = 100;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly rule: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.pos] as Token;
  }
  private next(): Token {
    return this.tokens[this.pos++] as Token;
  }
  private isWord(value: string): boolean {
    const tok = this.peek();
    return tok.t === 'word' && tok.v === value;
  }
  private fail(tok: Token, message: string): never {
    throw new RuleSyntaxError(syntaxError(this.rule, tok.offset, message));
  }
  private describe(tok: Token): string {
    if (tok.t === 'end') return 'end of rule';
    if (tok.t === 'word') return `"${tok.v}"`;
    if (tok.t === 'lit') return `'${tok.v}'`;
    return `"${tok.t}"`;
  }

  parse(): RuleAst {
    if (this.peek().t === 'end') this.fail(this.peek(), 'Empty rule');
    const ast = this.or();
    const tok = this.peek();
    if (tok.t !== 'end') this.fail(tok, `Expected "and", "or" or end of rule, found ${this.describe(tok)}`);
    return ast;
  }

  private or(): RuleAst {
    const items = [this.and()];
    while (this.isWord('or')) {
      this.next();
      items.push(this.and());
    }
    return items.length === 1 ? (items[0] as RuleAst) : { kind: 'or', items };
  }

  private and(): RuleAst {
    const items = [this.unary()];
    while (this.isWord('and')) {
      this.next();
      items.push(this.unary());
    }
    return items.length === 1 ? (items[0] as RuleAst) : { kind: 'and', items };
  }

  private unary(): RuleAst {
    const tok = this.peek();
    if (++this.depth > MAX_DEPTH) this.fail(tok, `Rule nests deeper than ${MAX_DEPTH} levels`);
    try {
      return this.unaryInner(tok);
    } finally {
      this.depth--;
    }
  }

  private unaryInner(tok: Token): RuleAst {
    if (tok.t === 'word' && tok.v === 'not') {
      this.next();
      return { kind: 'not', item: this.unary() };
    }
    if (tok.t === '(') {
      this.next();
      const inner = this.or();
      const close = this.next();
      if (close.t !== ')')
        this.fail(close, `Expected ")" to close the "(" at column ${tok.offset + 1}, found ${this.describe(close)}`);
      return inner;
    }
    return this.atom();
  }

  private literal(): string {
    const tok = this.next();
    if (tok.t !== 'lit') this.fail(tok, `Expected a quoted value like 'GE.P', found ${this.describe(tok)}`);
    return tok.v;
  }

  private atom(): RuleAst {
    const tok = this.next();
    if (tok.t !== 'word' || !ROLES.has(tok.v)) {
      this.fail(tok, `Expected source, target, flow, element, "not" or "(", found ${this.describe(tok)}`);
    }
    const role = tok.v as Role;
    const after = this.peek();
    if (after.t === 'word' && after.v === 'is') {
      this.next();
      return { kind: 'is', role, type: this.literal(), offset: tok.offset };
    }
    if (after.t === 'word' && after.v === 'crosses') {
      if (role !== 'flow') this.fail(after, `Only "flow" can cross a boundary, not "${role}"`);
      this.next();
      return { kind: 'crosses', type: this.literal(), offset: tok.offset };
    }
    if (after.t === '.') {
      this.next();
      const attr = this.next();
      if (attr.t !== 'word') this.fail(attr, `Expected a property name after "${role}.", found ${this.describe(attr)}`);
      const is = this.next();
      if (is.t !== 'word' || is.v !== 'is')
        this.fail(is, `Expected "is" after "${role}.${attr.v}", found ${this.describe(is)}`);
      return { kind: 'attr', role, attr: attr.v, value: this.literal(), offset: tok.offset };
    }
    return this.fail(after, `Expected "is", "crosses" or "." after "${role}", found ${this.describe(after)}`);
  }
}

class RuleSyntaxError extends Error {
  constructor(readonly error: BulwarkError) {
    super(error.message);
  }
}

/** Parses a rule into its syntax tree, or reports where and why it does not parse. */
export function parseRule(rule: string): Result<RuleAst> {
  const tokens = tokenize(rule);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(rule, tokens.value).parse());
  } catch (e) {
    if (e instanceof RuleSyntaxError) return err(e.error);
    throw e;
  }
}
