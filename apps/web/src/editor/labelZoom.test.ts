import { describe, expect, it } from 'vitest';
import { labelTexts } from './flowLabels.js';
import {
  FAR_ZOOM,
  FLOW_FONT,
  flowLabelScale,
  NAME_FONT,
  nameLabelScale,
  READABLE_PX,
  zoomLevel,
} from './labelScale.js';

describe('label zoom', () => {
  it('grows names just enough to stay readable on screen, in steps, down to the far zoom', () => {
    for (const zoom of [0.43, 0.5, 0.55, 0.7, 0.9]) {
      expect(NAME_FONT * nameLabelScale(zoom) * zoom).toBeGreaterThanOrEqual(READABLE_PX);
      expect(FLOW_FONT * flowLabelScale(zoom) * zoom).toBeGreaterThanOrEqual(READABLE_PX);
      // At most one step more than needed.
      expect(NAME_FONT * (nameLabelScale(zoom) - 0.05) * zoom).toBeLessThan(READABLE_PX);
    }
    expect(nameLabelScale(1)).toBe(1);
    expect(nameLabelScale(2)).toBe(1);
    expect(flowLabelScale(1.2)).toBe(1);
    // Further out they no longer grow: they shrink with the drawing.
    expect(nameLabelScale(0.1)).toBe(nameLabelScale(FAR_ZOOM));
    // A step is crossed now and then, not on every frame of a zoom.
    const steps = new Set<number>();
    for (let z = 0.5; z < 1; z += 0.001) steps.add(nameLabelScale(z));
    expect(steps.size).toBeLessThan(25);
  });

  it('tells near, mid and far apart', () => {
    expect(zoomLevel(1)).toBe('near');
    expect(zoomLevel(0.55)).toBe('mid');
    expect(zoomLevel(0.3)).toBe('far');
  });

  it('draws a flow name whole when near and cut short to one line further out', () => {
    const { full, short } = labelTexts('Database copy to removable drive');
    expect(full.lines).toEqual(['Database copy to', 'removable drive']);
    expect(short.lines).toEqual(['Database copy to…']);
    expect(full.height).toBeGreaterThan(short.height);
    expect(labelTexts('Sign-in').short.lines).toEqual(['Sign-in']);
    expect(labelTexts('').full.lines).toEqual([]);
  });
});
