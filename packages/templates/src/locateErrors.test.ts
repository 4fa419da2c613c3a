import { parseModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { parseYamlText } from './index.js';
import {
  jsonSyntaxError,
  jsonSyntaxProblem,
  lineColumn,
  MAX_LOCATED_JSON,
  pathKeys,
  withJsonLines,
  withYamlLines,
} from './locateErrors.js';

describe('jsonSyntaxProblem', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of [
      '{}',
      '[]',
      ' [ ] ',
      '{"a":[1,-2.5e+3,true,false,null,{"b":"c\\"\\u00e9\\n"}],"d":{}}',
      '"x"',
      '0',
      '[[[[]]]]',
      '\n{\r\n\t"k" : [ 1 , 2 ]\n}\n',
    ]) {
      expect(() => JSON.parse(text), text).not.toThrow();
      expect(jsonSyntaxProblem(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{\n  "a": 1,\n  "b": ]\n}', 3, 8, 'a value'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "',' or '}'"],
    ['[1,]', 1, 4, 'a value'],
    ['{"a" 1}', 1, 6, "':' after the key"],
    ['{a: 1}', 1, 2, 'a key in double quotes'],
    ['{"a": 1', 1, 8, "',' or '}'"],
    ['', 1, 1, 'a value'],
    ['{"a":1}x', 1, 8, 'the end of the text'],
    ['["abc', 1, 6, 'a closing quote'],
    ['["a\\x"]', 1, 4, 'an escape'],
    ['{"a": 01}', 1, 8, "',' or '}'"],
    ['{"a": tru}', 1, 7, 'a value'],
  ])('%j breaks at line %i, column %i, expecting %s', (text, line, column, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    const problem = jsonSyntaxProblem(text);
    expect(problem).toBeDefined();
    if (!problem) return;
    expect(lineColumn(text, problem.offset)).toEqual({ line, column });
    expect(problem.expected).toContain(expected);
  });

  it('handles nesting deeper than a recursive parser could', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(jsonSyntaxProblem(deep)).toBeUndefined();
    expect(jsonSyntaxProblem(`${deep}]`)?.offset).toBe(400_000);
  });
});

describe('jsonSyntaxError', () => {
  it('says the file, line and column, what was expected and found, and what to do', () => {
    const e = jsonSyntaxError('{\n  "name": "x",\n  "b": ]\n}', 'm.json', 'Fix it.');
    expect(e).toMatchObject({ code: 'PARSE_SYNTAX', file: 'm.json', line: 3, column: 8 });
    expect(e.message).toBe(
      'Not valid JSON at line 3, column 8: expected a value (a string, number, object, array, true, false or null), found "]". Fix it.',
    );
  });

  it('names the end of the text and the end of a line', () => {
    expect(jsonSyntaxError('{"a": 1', undefined, '').message).toContain('found the end of the text');
    expect(jsonSyntaxError('["a\n"]', undefined, '').message).toContain('found the end of the line');
  });
});

describe('withYamlLines', () => {
  it('puts the line and column of each schema problem on it and on every detail', () => {
    const text =
      'schemaVersion: 1\nmetadata:\n  name: Shop\ntemplate: { id: stride }\ndiagrams:\n  - id: d\n    name: D\n    elements:\n      - id: a\n        kind: proces\n        name: A\n        typeId: GE.P\n        position: { x: 0, y: 0 }\n      - id: b\n        kind: store\n        nme: B\n';
    const yaml = parseYamlText(text, 'm.yaml');
    if (!yaml.ok) throw new Error(yaml.error.message);
    const parsed = parseModel(yaml.value.data, 'm.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const located = withYamlLines(parsed.error, yaml.value.document, yaml.value.lines);
    expect(located.details?.length).toBeGreaterThan(0);
    for (const d of located.details ?? []) expect(d.line, d.message).toBeGreaterThan(0);
    expect(located.details?.some((d) => d.line === 10)).toBe(true);
  });

  it('does the same for a JSON text, up to MAX_LOCATED_JSON', () => {
    const model = {
      schemaVersion: 1,
      metadata: { name: 'Shop' },
      template: { id: 'stride' },
      diagrams: [{ id: 'd', name: 'D', elements: [{ id: 'a', kind: 'proces', name: 'A', typeId: 'GE.P' }] }],
    };
    const text = JSON.stringify(model, null, 2);
    const parsed = parseModel(JSON.parse(text), 'm.json');
    if (parsed.ok) throw new Error('expected problems');
    const located = withJsonLines(parsed.error, text);
    const kind = located.details?.find((d) => d.path?.endsWith('.kind'));
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('"kind": "proces"'));
    expect(kind).toMatchObject({ line: at + 1, column: (lines[at] ?? '').indexOf('"proces"') + 1 });
    const huge = `${text}${' '.repeat(MAX_LOCATED_JSON)}`;
    expect(withJsonLines(parsed.error, huge)).toBe(parsed.error);
  });

  it('splits paths into keys and indexes', () => {
    expect(pathKeys('diagrams[0].elements[12].source')).toEqual(['diagrams', 0, 'elements', 12, 'source']);
  });
});
