import { describe, expect, it } from 'vitest';
import { parseToleratingQuoteIndent, quoteIndentWarning, type YamlErrorLike } from './parseToleratingQuoteIndent.js';

/**
 * A stand-in for the yaml package: it reports "Missing closing quote" where a line break inside
 * quotes is followed by a line indented `need` columns or less, as the yaml lexer does.
 */
function fakeParser(need: number) {
  const seen: string[] = [];
  const parse = (text: string): { text: string; errors: YamlErrorLike[] } => {
    seen.push(text);
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (quote === undefined && (ch === "'" || ch === '"')) quote = ch;
      else if (ch === quote) quote = undefined;
      else if (quote && ch === '\n' && (/^( *)\S/.exec(text.slice(i + 1))?.[1]?.length ?? need + 1) <= need) {
        return { text, errors: [{ code: 'MISSING_CHAR', message: `Missing closing ${quote}quote`, pos: [i, i + 1] }] };
      }
    }
    return { text, errors: quote ? [{ code: 'MISSING_CHAR', message: 'Missing closing', pos: [0, 1] }] : [] };
  };
  return { parse, seen };
}

describe('parseToleratingQuoteIndent', () => {
  it('parses valid text once and repairs nothing', () => {
    const { parse, seen } = fakeParser(2);
    const read = parseToleratingQuoteIndent("a:\n  b: 'x\n     y'\n", parse);
    expect(read.repaired).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('indents the lines of a cut quoted scalar one column past its opening quote', () => {
    const { parse } = fakeParser(2);
    const read = parseToleratingQuoteIndent("a:\n  b:\n    'one\n  two\n\nthree'\n  c: 1\n", parse);
    expect(read.text).toBe("a:\n  b:\n    'one\n     two\n\n     three'\n  c: 1\n");
    expect(read.document.errors).toEqual([]);
    expect(read.repaired).toEqual([{ line: 3, column: 5 }]);
  });

  it('finds the opening and closing quotes past doubled and escaped ones', () => {
    const { parse } = fakeParser(0);
    const single = parseToleratingQuoteIndent("a: 'it''s\nb'''\n", parse);
    expect(single.text).toBe("a: 'it''s\n    b'''\n");
    const double = parseToleratingQuoteIndent('a: "say \\"hi\\"\nto \\"me\\""\n', parse);
    expect(double.text).toBe('a: "say \\"hi\\"\n    to \\"me\\""\n');
  });

  it('returns the strict parse of the original text when the repair does not make it valid', () => {
    const { parse } = fakeParser(0);
    const unclosed = "a: 'never closed\nb: 1\n";
    const read = parseToleratingQuoteIndent(unclosed, parse);
    expect(read.text).toBe(unclosed);
    expect(read.repaired).toEqual([]);
    expect(read.document.errors).toHaveLength(1);
    // A document marker inside the quotes ends the document for PyYAML too: not repaired.
    expect(parseToleratingQuoteIndent("a: 'x\n---\ny'\n", parse).repaired).toEqual([]);
  });

  it('words the warning with the line and column, or the count and the first place', () => {
    expect(quoteIndentWarning([])).toBeUndefined();
    expect(quoteIndentWarning([{ line: 3, column: 5 }])).toMatch(
      /^The quoted text at line 3, column 5 continues on lines indented less than YAML 1.2 allows: read as PyYAML and js-yaml read it\. Indent/,
    );
    expect(
      quoteIndentWarning([
        { line: 3, column: 5 },
        { line: 9, column: 2 },
      ]),
    ).toMatch(/^2 quoted texts \(the first at line 3, column 5\) continue/);
  });
});
