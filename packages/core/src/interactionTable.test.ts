import { describe, expect, it } from 'vitest';
import { buildModel } from './buildModel.js';
import { interactionRows, interactionSections } from './interactionTable.js';
import { resolved, testTemplate } from './testing/fixtures.js';

const template = resolved(testTemplate());

describe('interaction tables', () => {
  const model = buildModel('t', 'test')
    .boundary('net', { name: 'Internet' })
    .entity('user', { name: 'User', boundary: 'net' })
    .process('build', { name: 'Build servers', grouped: true })
    .store('db', { name: 'Store' })
    .flow(
      'user',
      'build',
      { protocol: 'HTTPS', carriesCredentials: true, tunnel: 'IPSec', peer: 'GitHub' },
      { id: 'f1', bidirectional: true },
    )
    .flow('build', 'db', { tunnel: 'IPSec' }, { id: 'f2' })
    .build();

  it('words details from typed properties in template order, filling placeholders', () => {
    const rows = interactionRows(model, template);
    expect(rows[0]).toMatchObject({
      elementA: 'User',
      direction: 'bidirectional',
      elementB: 'Build servers (grouped)',
      crossesBoundary: true,
      boundaries: ['Internet'],
      details: ['HTTPS', 'User credentials', 'GitHub IPSec tunnel'],
    });
    // An empty placeholder leaves no stray space; false booleans and unmapped values add nothing.
    expect(rows[1]).toMatchObject({ direction: 'one-way', crossesBoundary: false, details: ['IPSec tunnel'] });
  });

  it('gives each element a section with its flows, the element always as Element A', () => {
    const sections = interactionSections(model, template);
    expect(sections.map((s) => s.element)).toEqual(['User', 'Build servers (grouped)', 'Store']);
    const store = sections[2]?.rows[0];
    expect(store).toMatchObject({
      elementA: 'Store',
      elementB: 'Build servers (grouped)',
      direction: 'one-way',
      aToB: false,
    });
    expect(interactionSections(model, template, 'db').map((s) => s.element)).toEqual(['Store']);
  });
});
