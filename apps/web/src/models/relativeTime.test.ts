import { describe, expect, it } from 'vitest';
import { relativeTime } from './relativeTime.js';

describe('relativeTime', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it('says it as people do', () => {
    expect(relativeTime(ago(10_000), now)).toBe('just now');
    expect(relativeTime(ago(60_000), now)).toBe('1 minute ago');
    expect(relativeTime(ago(5 * 60_000), now)).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * 3_600_000), now)).toBe('3 hours ago');
    expect(relativeTime(ago(26 * 3_600_000), now)).toBe('yesterday');
    expect(relativeTime(ago(4 * 86_400_000), now)).toBe('4 days ago');
    expect(relativeTime('not a date', now)).toBe('not a date');
  });
});
