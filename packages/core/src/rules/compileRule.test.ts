import { describe, expect, it } from 'vitest';
import { compileRule, type RuleContext, type RuleSubject } from './compileRule.js';

const subject = (
  types: string[],
  props: RuleSubject['props'] = {},
  defaults: RuleSubject['defaults'] = {},
): RuleSubject => ({
  types: new Set(types),
  props,
  defaults,
});

const ctx: RuleContext = {
  source: subject(['web', 'GE.P'], { validatesInput: 'Yes' }),
  flow: subject(['GE.DF'], { encrypted: true }, { protocol: 'HTTPS' }),
  target: subject(['sql', 'GE.DS'], {}, { encrypted: false }),
  crossed: new Set(['internet', 'GE.TB.B']),
};

function holds(rule: string, c: RuleContext = ctx): boolean {
  const r = compileRule(rule);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.test(c);
}

describe('compileRule', () => {
  it.each([
    ["source is 'web'", true],
    ["source is 'GE.P'", true],
    ["source is 'GE.DS'", false],
    ["source is 'ROOT'", false],
    ["target is 'GE.DS' and source is 'GE.P'", true],
    ["source.validatesInput is 'Yes'", true],
    ["source.validatesInput is 'yes'", false],
    ["flow.protocol is 'HTTPS'", true],
    ["flow.encrypted is 'True'", true],
    ["flow.encrypted is 'yes'", true],
    ["flow.encrypted is 'False'", false],
    ["target.encrypted is 'False'", true],
    ["target.unknownProperty is 'x'", false],
    ["not target.unknownProperty is 'x'", true],
    ["source.constructor is 'x'", false],
    ["flow crosses 'GE.TB.B'", true],
    ["flow crosses 'internet'", true],
    ["flow crosses 'GE.TB.L'", false],
    ["source is 'GE.DS' or target is 'GE.DS' and flow crosses 'GE.TB.L'", false],
    ["(source is 'GE.DS' or target is 'GE.DS') and not flow crosses 'GE.TB.L'", true],
    ["not not source is 'web'", true],
  ])('%s -> %s', (rule, expected) => {
    expect(holds(rule)).toBe(expected);
  });

  it('treats a missing role as not matching', () => {
    expect(holds("source is 'web'", {})).toBe(false);
    expect(holds("flow crosses 'GE.TB.B'", {})).toBe(false);
  });

  it('keeps element-scoped and interaction-scoped roles apart', () => {
    const a = compileRule("element is 'GE.DS'", 'interaction');
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toMatchObject({ code: 'RULE_SCOPE' });
    const b = compileRule("source is 'GE.DS'", 'element');
    expect(!b.ok && b.error.message).toContain('use "element"');
    const c = compileRule("flow crosses 'GE.TB.B'", 'element');
    expect(c.ok).toBe(false);
    const d = compileRule("element is 'GE.DS' and element.encrypted is 'False'", 'element');
    expect(d.ok && d.value.test({ element: subject(['GE.DS'], { encrypted: false }) })).toBe(true);
  });
});
