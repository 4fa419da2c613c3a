import { describe, expect, it } from 'vitest';
import { clampSplit, parseSplit, SPLIT_DEFAULT, SPLIT_MIN, splitMax, stepSplit } from './splitSize.js';

describe('splitSize', () => {
  it('keeps the height between the least and what leaves the diagram 160 px', () => {
    expect(clampSplit(50, 800)).toBe(SPLIT_MIN);
    expect(clampSplit(700, 800)).toBe(640);
    expect(clampSplit(300.4, 800)).toBe(300);
    expect(splitMax(100)).toBe(SPLIT_MIN);
  });
  it('reads a stored height, else the default', () => {
    expect(parseSplit('412')).toBe(412);
    expect(parseSplit(null)).toBe(SPLIT_DEFAULT);
    expect(parseSplit('')).toBe(SPLIT_DEFAULT);
    expect(parseSplit('tall')).toBe(SPLIT_DEFAULT);
  });
  it('steps with the arrow keys (Shift: four times), Home and End go to the ends', () => {
    expect(stepSplit(300, 'ArrowUp', false, 800)).toBe(324);
    expect(stepSplit(300, 'ArrowDown', true, 800)).toBe(204);
    expect(stepSplit(300, 'Home', false, 800)).toBe(SPLIT_MIN);
    expect(stepSplit(300, 'End', false, 800)).toBe(640);
    expect(stepSplit(300, 'x', false, 800)).toBeUndefined();
  });
});
