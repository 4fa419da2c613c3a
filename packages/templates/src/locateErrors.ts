/**
 * Where a problem is in a text file, so that every reader says it the same way: a JSON syntax
 * error with its line and column (JSON.parse names a position only for some errors, and never a
 * line), and schema problems of a YAML file with the line and column of the node they are about.
 * The CLI's model loading and the server's upload both use these.
 */
import { type BulwarkError, bulwarkError, MAX_YAML_NESTING, yamlNesting } from '@bulwark/core';
import { type Document, LineCounter, parseDocument } from 'yaml';

/** 1-based line and column of a character offset (columns count UTF-16 units, as editors mostly do). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first place a text stops being JSON: its offset and what was expected there. */
export interface JsonSyntaxProblem {
  offset: number;
  expected: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /["\\/bfnrt]|u[0-9a-fA-F]{4}/y;

/**
 * Scans a text as JSON (RFC 8259) without building anything, with an explicit stack (no recursion,
 * so any nesting is fine), and returns where it first breaks, or undefined for valid JSON.
 */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const n = text.length;
  const stack: number[] = []; // 123 `{` or 91 `[`
  let i = 0;
  // value: a value is due (`open`: just after `[`, so `]` may close it); key: a key is due; after: a value ended.
  let state: 'value' | 'key' | 'after' = 'value';
  let open = false;
  const skipSpace = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  // A string starting at i (a quote): its end, or the problem.
  const string = (): JsonSyntaxProblem | undefined => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 32)
        return {
          offset: i,
          expected: 'a closing quote before the end of the line (a line break inside a string is written \\n)',
        };
      if (c === 92) {
        ESCAPE.lastIndex = i + 1;
        if (!ESCAPE.test(text))
          return { offset: i, expected: 'an escape such as \\n, \\" or \\u0041 after the backslash' };
        i = ESCAPE.lastIndex - 1;
      }
    }
    return { offset: n, expected: 'a closing quote (the text ends inside a string)' };
  };
  for (;;) {
    skipSpace();
    const c = text.charCodeAt(i);
    if (state === 'key') {
      if (c !== 34) return { offset: i, expected: 'a key in double quotes' };
      const bad = string();
      if (bad) return bad;
      skipSpace();
      if (text.charCodeAt(i) !== 58) return { offset: i, expected: "':' after the key" };
      i++;
      state = 'value';
      continue;
    }
    if (state === 'after') {
      const top = stack.at(-1);
      if (top === undefined) return i < n ? { offset: i, expected: 'the end of the text (one value only)' } : undefined;
      const close = top === 123 ? 125 : 93;
      if (c === 44) {
        i++;
        state = top === 123 ? 'key' : 'value';
      } else if (c === close) {
        i++;
        stack.pop();
      } else return { offset: i, expected: `',' or '${top === 123 ? '}' : ']'}'` };
      continue;
    }
    // A value.
    if (open && c === 93) {
      open = false;
      i++;
      stack.pop();
      state = 'after';
      continue;
    }
    open = false;
    if (c === 123) {
      stack.push(123);
      i++;
      skipSpace();
      if (text.charCodeAt(i) === 125) {
        i++;
        stack.pop();
        state = 'after';
      } else state = 'key';
      continue;
    }
    if (c === 91) {
      stack.push(91);
      i++;
      open = true;
      continue;
    }
    if (c === 34) {
      const bad = string();
      if (bad) return bad;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text))
        return { offset: i, expected: 'a value (a string, number, object, array, true, false or null)' };
      i = NUMBER.lastIndex;
    }
    state = 'after';
  }
}

/** What is at an offset, for a message: `"]"`, or "the end of the text". */
function found(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the text';
  const ch = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  return ch === '\n' || ch === '\r' ? 'the end of the line' : JSON.stringify(ch);
}

/**
 * The PARSE_SYNTAX error for a text that is not valid JSON: where it breaks (line and column),
 * what was expected and found there, and `hint` (what to do) after it.
 */
export function jsonSyntaxError(text: string, file: string | undefined, hint: string): BulwarkError {
  const problem = jsonSyntaxProblem(text);
  const context = file === undefined ? {} : { file };
  if (!problem) return bulwarkError('PARSE_SYNTAX', `Not valid JSON. ${hint}`, context);
  const at = lineColumn(text, problem.offset);
  return bulwarkError(
    'PARSE_SYNTAX',
    `Not valid JSON at line ${at.line}, column ${at.column}: expected ${problem.expected}, found ${found(text, problem.offset)}. ${hint}`,
    { ...context, line: at.line, column: at.column },
  );
}

/** Splits `diagrams[0].elements[2].source` into ['diagrams', 0, 'elements', 2, 'source']. */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    keys.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  return keys;
}

/**
 * Adds lines and columns to problems found in a YAML document's data (a schema error and each of
 * its details): the node a path names or, for a missing key, the nearest node above it.
 */
export function withYamlLines(error: BulwarkError, doc: Document, lines: LineCounter): BulwarkError {
  const locate = (e: BulwarkError): BulwarkError => {
    if (!e.path || e.path === '(root)') return e;
    const keys = pathKeys(e.path);
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const pos = lines.linePos(node.range[0]);
        return { ...e, line: pos.line, column: pos.col };
      }
    }
    return e;
  };
  return { ...locate(error), ...(error.details ? { details: error.details.map(locate) } : {}) };
}

/**
 * The largest JSON text whose schema problems get lines: it is read again as YAML (of which JSON is
 * a part) to find them, only when there are problems, at about a hundred times JSON.parse's cost.
 */
export const MAX_LOCATED_JSON = 4 * 1024 * 1024;

/** Adds lines and columns to problems found in a JSON text's data (each keeps its path), as withYamlLines does for YAML. */
export function withJsonLines(error: BulwarkError, text: string): BulwarkError {
  const paths = error.path !== undefined || (error.details ?? []).some((d) => d.path !== undefined);
  if (!paths || text.length > MAX_LOCATED_JSON || yamlNesting(text) > MAX_YAML_NESTING) return error;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  return doc.errors.length > 0 ? error : withYamlLines(error, doc, lines);
}
