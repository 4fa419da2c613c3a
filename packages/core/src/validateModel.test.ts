import { describe, expect, it } from 'vitest';
import { buildModel } from './buildModel.js';
import { resolved, testTemplate, threatType } from './testing/fixtures.js';
import { validateModel } from './validateModel.js';

const template = resolved(testTemplate([threatType('broken', "source is 'GE.P' and")]));

describe('validateModel', () => {
  it('accepts a clean model', () => {
    const model = buildModel('ok', 'test')
      .entity('u')
      .process('p', { typeId: 'api' })
      .flow('u', 'p', { protocol: 'HTTPS' })
      .build();
    expect(validateModel(model, template).filter((p) => p.code !== 'BROKEN_RULE')).toEqual([]);
  });

  it('reports each kind of problem with its code, element, path and a sentence', () => {
    const model = buildModel('bad', 'test')
      .boundary('tb')
      .process('p', { typeId: 'nope', properties: { validatesInput: 'Maybe', extra: 'x' } })
      .store('s', { typeId: 'web', properties: { encrypted: 'yes' }, boundary: 'ghost' })
      .flow('p', 'missing', undefined, { id: 'dangling' })
      .flow('p', 'tb', undefined, { id: 'toBoundary' })
      .flow('p', 'p', undefined, { id: 'self' })
      .process('p')
      .build();
    const problems = validateModel(model, template);
    const byCode = (code: string) => problems.filter((p) => p.code === code);
    expect(byCode('UNKNOWN_TYPE')[0]).toMatchObject({
      severity: 'error',
      elementId: 'p',
      path: 'diagrams[0].elements[1].typeId',
    });
    expect(byCode('UNKNOWN_TYPE')[0]?.message).toContain('"nope"');
    expect(byCode('KIND_MISMATCH')[0]).toMatchObject({ elementId: 's' });
    expect(byCode('INVALID_PROPERTY_VALUE').map((p) => p.path)).toEqual([
      'diagrams[0].elements[1].properties.validatesInput',
    ]);
    expect(byCode('UNKNOWN_PROPERTY').map((p) => p.severity)).toEqual(['warning', 'warning']);
    expect(byCode('UNKNOWN_BOUNDARY')[0]?.message).toContain('"ghost"');
    expect(byCode('DANGLING_FLOW')[0]).toMatchObject({ elementId: 'dangling', path: 'diagrams[0].elements[3].target' });
    expect(byCode('FLOW_TO_BOUNDARY')[0]?.message).toContain('trustBoundary');
    expect(byCode('SELF_FLOW')[0]?.severity).toBe('warning');
    expect(byCode('DUPLICATE_ID')[0]?.message).toContain('reuses the id');
    expect(byCode('BROKEN_RULE')[0]?.message).toContain('"broken"');
  });

  it('warns about a flow that ends at an annotation', () => {
    const model = buildModel('x').process('p').build();
    model.diagrams[0]?.elements.push(
      { kind: 'annotation', id: 'note', typeId: 'GE.A', name: 'Note' },
      { kind: 'dataFlow', id: 'f', typeId: 'GE.DF', name: 'F', source: 'p', target: 'note' },
    );
    expect(validateModel(model).map((p) => [p.code, p.severity])).toEqual([['FLOW_TO_BOUNDARY', 'warning']]);
  });

  it('checks references without a template', () => {
    const model = buildModel('x').process('p').flow('p', 'q').build();
    expect(validateModel(model).map((p) => p.code)).toEqual(['DANGLING_FLOW']);
  });
});
