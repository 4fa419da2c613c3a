import type { Threat } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { CheckExpressionError, DEFAULT_FAIL_ON, parseCheck } from './check.js';

const threat = (over: Partial<Threat>): Threat => ({
  id: 't',
  typeId: 'infra.spoofing.x',
  origin: 'generated',
  category: 'S',
  title: 'T',
  description: '',
  priority: 'High',
  status: 'not-started',
  interaction: { sourceId: 'user', flowId: 'f1', targetId: 'web' },
  ...over,
});
const names = new Map([
  ['user', 'User'],
  ['web', 'Web app'],
  ['f1', 'Sign-in'],
]);
const matches = (expr: string, t: Threat) => parseCheck(expr)(t, names);

describe('the --fail-on expression', () => {
  it('by default catches untriaged high-priority threats only', () => {
    expect(matches(DEFAULT_FAIL_ON, threat({}))).toBe(true);
    expect(matches(DEFAULT_FAIL_ON, threat({ status: 'needs-investigation' }))).toBe(false);
    expect(matches(DEFAULT_FAIL_ON, threat({ priority: 'Medium' }))).toBe(false);
  });

  it('compares without regard to case, spaces and dashes; supports in, !=, not, or and brackets', () => {
    expect(matches('status = "Not started"', threat({}))).toBe(true);
    expect(matches('STATUS=NOT_STARTED', threat({}))).toBe(true);
    expect(matches('priority in (medium, high) and not status=mitigated', threat({}))).toBe(true);
    expect(matches('priority in (medium, low)', threat({}))).toBe(false);
    expect(matches('status != mitigated', threat({ status: 'mitigated' }))).toBe(false);
    expect(matches('(priority=low or category=S) and origin=generated', threat({}))).toBe(true);
    // "and" binds tighter than "or".
    expect(matches('priority=low and category=S or category=T', threat({ category: 'T' }))).toBe(true);
    expect(matches('priority=low and (category=S or category=T)', threat({ category: 'T' }))).toBe(false);
  });

  it('finds a threat by the name or id of any element of its interaction, and by its flags', () => {
    expect(matches('element="Web app"', threat({}))).toBe(true);
    expect(matches('element=f1', threat({}))).toBe(true);
    expect(matches('element=Sign-in', threat({}))).toBe(true);
    expect(matches('element=Database', threat({}))).toBe(false);
    expect(matches('orphaned=true', threat({ orphaned: true }))).toBe(true);
    expect(matches('outofscope=false', threat({}))).toBe(true);
    expect(matches('type=infra.spoofing.x', threat({}))).toBe(true);
  });

  it('names the column of each mistake', () => {
    const fails = (expr: string): [string, number] => {
      try {
        parseCheck(expr);
      } catch (e) {
        if (e instanceof CheckExpressionError) return [e.message, e.column];
        throw e;
      }
      throw new Error(`"${expr}" parsed`);
    };
    expect(fails('')).toEqual(['The expression is empty.', 1]);
    expect(fails('colour=red')[1]).toBe(1);
    expect(fails('colour=red')[0]).toMatch(/Unknown field "colour": use one of status, priority/);
    expect(fails('status mitigated')).toEqual(['Expected "=", "!=" or "in" after status but found "mitigated".', 8]);
    expect(fails('status=mitigated priority=high')[1]).toBe(18);
    expect(fails('(status=mitigated')).toEqual(['Expected ")" but found the end.', 18]);
    expect(fails('status="open')).toEqual(['The text starting with " is not closed.', 8]);
    expect(fails('priority in (high,')[0]).toBe('Expected a value but found the end.');
  });
});
