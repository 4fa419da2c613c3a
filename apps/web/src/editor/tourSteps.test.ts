import { describe, expect, it } from 'vitest';
import { isExampleModel, offerTour, stepTo, TOUR_STEPS } from './tourSteps.js';

const example = { metadata: { name: 'Infrastructure' }, template: { id: 'infrastructure' } };

describe('the tour', () => {
  it('walks draw, analyse, triage, report, review, each pointing at a part of the editor', () => {
    expect(TOUR_STEPS.map((s) => s.id)).toEqual(['draw', 'analyse', 'triage', 'report', 'review']);
    for (const s of TOUR_STEPS) {
      expect(s.targets.length).toBeGreaterThan(0);
      expect(s.title).not.toBe('');
      expect(s.text.length).toBeLessThan(300);
    }
  });

  it('is offered on the example model until it is turned off', () => {
    expect(isExampleModel(example)).toBe(true);
    expect(offerTour(example, null)).toBe(true);
    expect(offerTour(example, 'off')).toBe(false);
    expect(offerTour({ ...example, metadata: { name: 'Shop' } }, null)).toBe(false);
    expect(offerTour({ ...example, template: { id: 'stride' } }, null)).toBe(false);
  });

  it('steps forward and back within the five steps', () => {
    expect(stepTo(0, 1)).toBe(1);
    expect(stepTo(0, -1)).toBeUndefined();
    expect(stepTo(4, -1)).toBe(3);
    expect(stepTo(4, 1)).toBeUndefined();
  });
});
