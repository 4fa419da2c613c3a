/**
 * Reading YAML the way PyYAML and js-yaml read it in one place where they are more lenient than
 * YAML 1.2 (and the yaml package): a multi-line quoted scalar whose continuation lines are indented
 * less than its parent block allows, e.g. a code snippet pasted at the left margin:
 *
 *     codeSnippet:
 *       'public void f() {
 *       return;
 *     }'
 *
 * Leading white space of a quoted scalar's continuation lines is not part of its value (YAML 1.2
 * 7.3, and both of those parsers), so indenting those lines further changes nothing but validity.
 * Pure text work: the caller's parser (the yaml package) is passed in, so core stays free of it.
 */

/** What this needs of a parser's error: the yaml package's `YAMLError` fits. */
export interface YamlErrorLike {
  code: string;
  message: string;
  pos: readonly [number, number];
}

/** Where a quoted scalar was re-indented: 1-based line and column of its opening quote. */
export interface QuoteIndentPlace {
  line: number;
  column: number;
}

/** A parse that may have needed re-indented quoted scalars, and where. */
export interface TolerantParse<D> {
  /** The document of the repaired text, or of the original text when it was valid or not repairable. */
  document: D;
  /** The text `document` was parsed from (the original one unless something was re-indented). */
  text: string;
  /** The quoted scalars re-indented, in order; empty when the text was valid YAML 1.2. */
  repaired: QuoteIndentPlace[];
}

/** At most this many scalars are re-indented (each costs a parse); a file with more is refused as it is. */
const MAX_REPAIRS = 50;

/**
 * Parses with `parse`; while there is a quoted scalar cut short by an under-indented
 * continuation line, re-indents that scalar's lines and parses again. When the text still has
 * errors after that, the strict parse of the original text is returned, so errors name its lines.
 */
export function parseToleratingQuoteIndent<D extends { errors: readonly YamlErrorLike[] }>(
  text: string,
  parse: (text: string) => D,
): TolerantParse<D> {
  const strict = parse(text);
  const repaired: QuoteIndentPlace[] = [];
  let current = text;
  let document = strict;
  while (document.errors.length > 0 && repaired.length < MAX_REPAIRS) {
    const repair = reindentQuotedScalar(current, firstQuoteCut(document.errors));
    if (!repair) break;
    current = repair.text;
    repaired.push(repair.place);
    document = parse(current);
  }
  if (document.errors.length > 0) return { document: strict, text, repaired: [] };
  return { document, text: current, repaired };
}

/**
 * The warning for a file read with re-indented quoted scalars (none when nothing was). It names
 * the line and column; readers' warnings are shown with the file they are about.
 */
export function quoteIndentWarning(repaired: readonly QuoteIndentPlace[]): string | undefined {
  const [first] = repaired;
  if (!first) return undefined;
  const what =
    repaired.length === 1
      ? `The quoted text at line ${first.line}, column ${first.column} continues`
      : `${repaired.length} quoted texts (the first at line ${first.line}, column ${first.column}) continue`;
  return `${what} on lines indented less than YAML 1.2 allows: read as PyYAML and js-yaml read it. Indent those lines further to make the file valid YAML 1.2.`;
}

const QUOTE_CUT = /^Missing closing (['"])quote/;

/** The first (in the text) of the errors that say a quoted scalar is not closed: errors come in no set order. */
function firstQuoteCut(errors: readonly YamlErrorLike[]): YamlErrorLike | undefined {
  let first: YamlErrorLike | undefined;
  for (const error of errors) {
    if (error.code === 'MISSING_CHAR' && QUOTE_CUT.test(error.message) && (!first || error.pos[0] < first.pos[0]))
      first = error;
  }
  return first;
}

/**
 * When `error` is the yaml package's "Missing closing quote" at a line break, and the text does
 * close that scalar further on: the text with the scalar's lines after the break indented one
 * column past its opening quote. Undefined for anything else (a really unclosed quote, a document
 * marker inside the scalar, which PyYAML refuses too).
 */
function reindentQuotedScalar(
  text: string,
  error: YamlErrorLike | undefined,
): { text: string; place: QuoteIndentPlace } | undefined {
  const quote = error?.code === 'MISSING_CHAR' ? QUOTE_CUT.exec(error.message)?.[1] : undefined;
  if (!error || !quote) return undefined;
  const cut = error.pos[0];
  if (text[cut] !== '\n' && text[cut] !== '\r') return undefined;
  const open = openingQuote(text, cut, quote);
  const close = closingQuote(text, cut, quote);
  if (open === undefined || close === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', open) + 1;
  const indent = ' '.repeat(open - lineStart + 1);
  const lines = text.slice(cut, close).split('\n');
  let changed = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^(---|\.\.\.)(\s|$)/.test(line)) return undefined;
    const own = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    // Blank lines are line breaks in the value, whatever their spaces; others lose their leading white space.
    if (line.trim() === '' || own >= indent.length) continue;
    lines[i] = indent + line.slice(own);
    changed = true;
  }
  if (!changed) return undefined;
  const before = text.slice(0, lineStart);
  const place = { line: before.split('\n').length, column: open - lineStart + 1 };
  return { text: text.slice(0, cut) + lines.join('\n') + text.slice(close), place };
}

/** The opening quote of the scalar cut at `cut`: the text between holds no closing quote. */
function openingQuote(text: string, cut: number, quote: string): number | undefined {
  for (let i = cut - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"') {
      if (backslashesBefore(text, i) % 2 === 0) return i;
      continue;
    }
    // Inside single quotes a quote is doubled: an odd run starts with the opening quote.
    let start = i;
    while (start > 0 && text[start - 1] === "'") start--;
    if ((i - start + 1) % 2 === 1) return start;
    i = start;
  }
  return undefined;
}

/** The quote that closes the scalar, found as the yaml package's lexer finds it (before checking indentation). */
function closingQuote(text: string, from: number, quote: string): number | undefined {
  let end = text.indexOf(quote, from);
  if (quote === "'") {
    while (end !== -1 && text[end + 1] === "'") end = text.indexOf("'", end + 2);
  } else {
    while (end !== -1 && backslashesBefore(text, end) % 2 === 1) end = text.indexOf('"', end + 1);
  }
  return end === -1 ? undefined : end;
}

function backslashesBefore(text: string, at: number): number {
  let n = 0;
  while (text[at - 1 - n] === '\\') n++;
  return n;
}
