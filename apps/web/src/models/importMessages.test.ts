import { describe, expect, it } from 'vitest';
import { type ImportSummary, importFailure, summaryLines } from './importMessages.js';

/** The server's answer as api.ts's ApiError carries it. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

describe('importFailure', () => {
  it('says a JSON syntax error as the CLI prints it: file, line and column, message', () => {
    const e = new ApiError(
      400,
      'PARSE_SYNTAX',
      'Not valid JSON at line 4, column 15: expected a value. Fix the file.',
      {
        code: 'PARSE_SYNTAX',
        line: 4,
        column: 15,
      },
    );
    expect(importFailure(e, 'shop.json')).toEqual({
      head: 'shop.json:4:15: Not valid JSON at line 4, column 15: expected a value. Fix the file.',
      details: [],
    });
  });

  it('lists every schema problem with its line, or its path', () => {
    const e = new ApiError(422, 'SCHEMA_INVALID', '2 problems. Fix them and try again.', {
      details: [
        { message: 'Invalid input', path: 'diagrams[0].elements[0].kind', line: 10, column: 15 },
        { message: 'Required', path: 'diagrams[0].elements[1].name' },
      ],
    });
    expect(importFailure(e, 'shop.yaml')).toEqual({
      head: 'shop.yaml: 2 problems. Fix them and try again.',
      details: [
        'shop.yaml:10:15:diagrams[0].elements[0].kind: Invalid input',
        'shop.yaml:diagrams[0].elements[1].name: Required',
      ],
    });
  });

  it('names the file for any other failure', () => {
    expect(importFailure(new Error('Failed to fetch'), 'a.tm7').head).toBe('a.tm7: Failed to fetch');
  });
});

describe('summaryLines', () => {
  const summary: ImportSummary = {
    format: 'tm7',
    formatName: 'Microsoft Threat Modeling Tool (.tm7)',
    nameFrom: 'file',
    diagrams: 1,
    elements: 2,
    flows: 1,
    boundaries: 2,
    threats: 1,
    analysis: { template: 'kb@1.2.3', added: 3, changed: 1, unchanged: 0, orphaned: 0, dropped: 0, manual: 0 },
    warnings: [],
  };
  it('counts in words', () => {
    const lines = summaryLines(summary);
    expect(lines.holds).toBe(
      '1 diagram, 2 elements (processes, stores, external entities), 1 data flow, 2 trust boundaries',
    );
    expect(lines.threats).toMatch(/^1 threat from the file, kept/);
    expect(lines.analysis).toBe(
      'The first analysis, when you open it (template kb@1.2.3), adds 3 threats, regenerates the text of 1 from the file.',
    );
    const none = { template: 'stride@1', added: 0, changed: 0, unchanged: 4, orphaned: 0, dropped: 0, manual: 1 };
    expect(summaryLines({ ...summary, analysis: none }).analysis).toBe(
      'The first analysis, when you open it (template stride@1), changes no threat (5 stay as they are).',
    );
  });
  it('says what happens when the server could not analyse', () => {
    const { analysis: _a, ...rest } = summary;
    expect(summaryLines(rest).analysis).toMatch(/brings the threats up to date/);
  });
});
