import { describe, expect, it } from 'vitest';
import { parseRule } from './parseRule.js';

describe('parseRule', () => {
  it.each([
    ["source is 'GE.EI'", { kind: 'is', role: 'source', type: 'GE.EI', offset: 0 }],
    ["flow crosses 'GE.TB.B'", { kind: 'crosses', type: 'GE.TB.B', offset: 0 }],
    [
      "target.b646c6da-1234 is 'Allow access'",
      { kind: 'attr', role: 'target', attr: 'b646c6da-1234', value: 'Allow access', offset: 0 },
    ],
    ["element.isALog is 'Yes'", { kind: 'attr', role: 'element', attr: 'isALog', value: 'Yes', offset: 0 }],
  ])('parses the atom %s', (rule, ast) => {
    expect(parseRule(rule)).toEqual({ ok: true, value: ast });
  });

  it('gives "and" precedence over "or", and "not" over both', () => {
    const r = parseRule("not source is 'A' or target is 'B' and flow is 'C'");
    expect(r.ok && r.value).toMatchObject({
      kind: 'or',
      items: [
        { kind: 'not', item: { kind: 'is', type: 'A' } },
        { kind: 'and', items: [{ type: 'B' }, { type: 'C' }] },
      ],
    });
  });

  it('parses the shapes of real rules', () => {
    for (const rule of [
      "source is 'GE.P' and (target is 'GE.P' or target is 'GE.DS') and (flow crosses 'GE.TB.L' or flow crosses 'GE.TB.B')",
      "flow.authenticatesSource is 'Yes' or source.implementsAuthenticationScheme is 'Yes'",
      "target is 'SE.P.TMCore.AzureDocumentDB' and not target.b646c6da-6894-432a-8925-646ae6d1d0ea is 'Allow access from selected networks (excluding Azure)'",
      "target is 'fa27cee5-3a4f-4b4a-9a2a-1b0c0d0e0f00' and not flow crosses 'ae4f7fae-0000-4000-8000-000000000000'",
      "  (( source is 'GE.EI' ))  ",
    ]) {
      expect(parseRule(rule).ok, rule).toBe(true);
    }
  });

  it.each([
    ['', 'Empty rule', 1],
    ['source is GE.P', 'Expected a quoted value', 11],
    ["source is 'GE.P", 'Unterminated string literal', 11],
    ["source is 'A' and", 'Expected source, target, flow', 18],
    ["(source is 'A'", 'Expected ")"', 15],
    ["source.[[Internet (Client & Server) capability] is 'No'", 'Unexpected character "&"', 27],
    ["target crosses 'GE.TB.B'", 'Only "flow" can cross', 8],
    ["source is not 'A'", 'Expected a quoted value', 11],
    ["source is 'A' target is 'B'", 'Expected "and", "or" or end of rule', 15],
    ["source == 'A'", 'Unexpected character "="', 8],
  ])('reports %j with its position', (rule, message, column) => {
    const r = parseRule(rule);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('RULE_SYNTAX');
      expect(r.error.message).toContain(message);
      expect(r.error.column).toBe(column);
    }
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(5000)}source is 'A'${')'.repeat(5000)}`;
    const r = parseRule(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('nests deeper');
    expect(parseRule(`${'not '.repeat(50)}source is 'A'`).ok).toBe(true);
  });
});
