/** Test fixtures: a small template written for the tests, and helpers around it. */
import { type ResolvedTemplate, resolveTemplate } from '../template/resolveTemplate.js';
import type { Template, ThreatType } from '../template/TemplateSchema.js';

const GENERICS: Template['elementTypes'] = [
  {
    id: 'GE.P',
    name: 'Process',
    properties: [{ id: 'validatesInput', name: 'Validates input', type: 'list', values: ['No', 'Yes'] }],
  },
  { id: 'GE.DS', name: 'Data store', properties: [{ id: 'encrypted', name: 'Encrypted', type: 'boolean' }] },
  { id: 'GE.EI', name: 'External entity' },
  {
    id: 'GE.DF',
    name: 'Flow',
    properties: [
      {
        id: 'protocol',
        name: 'Protocol',
        type: 'list',
        values: ['Unspecified', 'HTTPS', 'HTTP'],
        details: { HTTPS: 'HTTPS', HTTP: 'Plain HTTP' },
      },
      { id: 'carriesCredentials', name: 'Carries credentials', type: 'boolean', details: { true: 'User credentials' } },
      { id: 'peer', name: 'Tunnel peer', type: 'text', default: '' },
      {
        id: 'tunnel',
        name: 'Tunnel',
        type: 'list',
        values: ['None', 'IPSec'],
        details: { IPSec: '{flow.peer} IPSec tunnel' },
      },
    ],
  },
  { id: 'GE.TB.B', name: 'Box boundary' },
  { id: 'GE.TB.L', name: 'Line boundary' },
  { id: 'GE.A', name: 'Annotation' },
];

/** A template with a few stencils and the given threat types. */
export function testTemplate(threatTypes: ThreatType[] = []): Template {
  return {
    schemaVersion: 1,
    id: 'test',
    name: 'Test',
    version: '1',
    categories: [
      { id: 'S', name: 'Spoofing' },
      { id: 'T', name: 'Tampering' },
      { id: 'I', name: 'Information disclosure' },
    ],
    elementTypes: [
      ...GENERICS,
      { id: 'web', name: 'Web app', parent: 'GE.P' },
      {
        id: 'api',
        name: 'Web API',
        parent: 'web',
        properties: [{ id: 'public', name: 'Public', type: 'list', values: ['No', 'Yes'], default: 'Yes' }],
      },
      { id: 'sql', name: 'SQL database', parent: 'GE.DS' },
      { id: 'internet', name: 'Internet boundary', parent: 'GE.TB.B' },
    ],
    threatTypes,
  };
}

/** A threat type with the given id and rules. */
export function threatType(id: string, include: string, extra: Partial<ThreatType> = {}): ThreatType {
  return {
    id,
    title: `${id} on {source.Name} to {target.Name}`,
    category: 'T',
    include,
    description: `${id} happens`,
    priority: 'Medium',
    ...extra,
  };
}

/** Resolves a test template, failing the test if it does not resolve. */
export function resolved(template: Template): ResolvedTemplate {
  const r = resolveTemplate(template);
  if (!r.ok) throw new Error(`test template does not resolve: ${JSON.stringify(r.error)}`);
  return r.value;
}
