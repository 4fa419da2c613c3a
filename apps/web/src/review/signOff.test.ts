import { buildModel, modelDigest, type SignOff } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { record, startHistory, undo } from '../editor/actions/actions.js';
import { withSignOff } from './signOff.js';

describe('withSignOff', () => {
  const model = buildModel('Shop').diagram('ctx', 'Context').process('web', { name: 'Web' }).build();
  const signOff: SignOff = { by: 'rui', at: '2026-11-23T01:00:00Z', version: 3, digest: modelDigest(model) };

  it('adds the sign-off to every step, so undo and redo keep it, and changes nothing else', () => {
    const renamed = record(startHistory(model), { type: 'setMetadata', field: 'owner', value: 'ana' });
    const signed = withSignOff(renamed, signOff);
    expect(signed.present.review?.signOffs).toEqual([signOff]);
    expect(undo(signed).present.review?.signOffs).toEqual([signOff]);
    expect(modelDigest(signed.present)).toBe(modelDigest(renamed.present));
    expect(renamed.present.review).toBeUndefined(); // the history it was given is untouched
  });

  it('appends after the sign-offs a step already has', () => {
    const earlier: SignOff = { ...signOff, by: 'ana', version: 1 };
    const once = withSignOff(startHistory(model), earlier);
    expect(withSignOff(once, signOff).present.review?.signOffs?.map((s) => s.by)).toEqual(['ana', 'rui']);
  });
});
