import { describe, expect, it } from 'vitest';
import { buildModel } from '../buildModel.js';
import { parseModel, serializeModel } from '../model/modelFile.js';
import { testTemplate } from '../testing/fixtures.js';
import { embeddedTemplate, embedTemplate, withoutEmbeddedTemplate } from './embeddedTemplate.js';

const template = testTemplate();
const model = buildModel('Shop', template.id).entity('user').process('web').flow('user', 'web').build();

describe('a template embedded in a model', () => {
  it('travels through the file and reads back as the template', () => {
    const carried = embedTemplate(model, template);
    expect(carried.template).toMatchObject({ id: template.id, version: template.version });
    const back = parseModel(JSON.parse(serializeModel(carried)), 'shop.bulwark.json');
    if (!back.ok) throw new Error(back.error.message);
    expect(embeddedTemplate(back.value)).toEqual({ ok: true, value: template });
    expect(withoutEmbeddedTemplate(back.value).template).toEqual({ id: template.id, version: template.version });
  });

  it('is nothing when the model carries none', () => {
    expect(embeddedTemplate(model)).toEqual({ ok: true, value: undefined });
  });

  it('is refused, with its path, when it is not a template or not the one the model names', () => {
    const broken = { ...model, template: { id: template.id, embedded: { id: template.id, threatTypes: 'none' } } };
    const notTemplate = embeddedTemplate(broken, 'shop.bulwark.json');
    expect(notTemplate.ok).toBe(false);
    if (!notTemplate.ok) {
      expect(notTemplate.error.code).toBe('TEMPLATE_INVALID');
      expect(notTemplate.error.details?.every((d) => d.path?.startsWith('template.embedded'))).toBe(true);
    }
    const other = embedTemplate(model, template);
    const renamed = { ...other, template: { ...other.template, id: 'stride' } };
    const mismatch = embeddedTemplate(renamed);
    expect(mismatch.ok).toBe(false);
    if (!mismatch.ok) expect(mismatch.error).toMatchObject({ path: 'template.embedded' });
  });
});
