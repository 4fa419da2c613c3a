import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, renderCsv } from './csv.js';
import { parseCsv } from './testing/csvParse.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';
import { orderedThreats } from './threatOrder.js';

const { model, template } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));

describe('renderCsv', () => {
  it('writes a header and one CRLF-ended row per threat, in report order', () => {
    const csv = renderCsv(model, template);
    expect(csv.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/(^|[^"])\n/);
    const rows = parseCsv(csv);
    expect(rows.slice(1).map((r) => r[0])).toEqual(orderedThreats(model).map((t) => t.id));
    const row = rows.find((r) => r[7] === 'Remote access' && r[6] === 'Firewall service');
    expect(row?.slice(2, 10)).toEqual([
      expect.any(String),
      expect.stringMatching(/^(High|Medium|Low)$/),
      'not-started',
      'Firewall service → VPN service (Remote access)',
      'Firewall service',
      'Remote access',
      'VPN service',
      '',
    ]);
    expect([
      'Spoofing',
      'Tampering',
      'Repudiation',
      'Information disclosure',
      'Denial of service',
      'Elevation of privilege',
    ]).toContain(row?.[2]);
  });

  it('starts with a byte order mark only when asked (for Excel)', () => {
    expect(renderCsv(model, template, { bom: true })).toBe(`\ufeff${renderCsv(model, template)}`);
    expect(renderCsv(model, template).charCodeAt(0)).toBe('i'.charCodeAt(0));
  });

  it('quotes as RFC 4180 says and guards formulas with an apostrophe', () => {
    const cases: [string, string][] = [
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['two\r\nlines', '"two\r\nlines"'],
      [' padded ', '" padded "'],
      ['=1+1', "'=1+1"],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['\rx', '"\'\rx"'],
      ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ];
    expect(cases.map(([input]) => csvField(input))).toEqual(cases.map(([, output]) => output));
  });
});
