import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validateModel } from '@bulwark/core';
import { loadResolvedTemplate } from '@bulwark/templates';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './registry.js';
import { importThreatComposer, looksLikeThreatComposer, renderStatement, threatStatement } from './threatComposer.js';

const CORPUS = new URL('../../../../shared/corpus/threat-composer/', import.meta.url).pathname;
const present = existsSync(CORPUS);

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const M1 = '33333333-3333-4333-8333-333333333333';
const M2 = '44444444-4444-4444-8444-444444444444';
const M3 = '55555555-5555-4555-8555-555555555555';
const A1 = '66666666-6666-4666-8666-666666666666';

const SMALL = JSON.stringify({
  schema: 1,
  applicationInfo: { name: 'Recipe site', description: 'Shares recipes.' },
  architecture: { description: 'One web app and a database.', image: 'data:image/png;base64,AAAA' },
  dataflow: { description: 'Browsers call the app; the app reads the database.' },
  assumptions: [{ id: A1, numericId: 1, content: 'The database is not reachable from the internet.' }],
  threats: [
    {
      id: T1,
      numericId: 1,
      threatSource: 'internet-based actor',
      prerequisites: 'with a stolen session cookie',
      threatAction: 'read private recipes',
      threatImpact: 'recipes shared against their owner’s will',
      impactedGoal: ['confidentiality'],
      impactedAssets: ['private recipes', 'user profiles'],
      status: 'threatResolved',
      tags: ['web'],
      metadata: [
        { key: 'Priority', value: 'High' },
        { key: 'STRIDE', value: ['S', 'I'] },
        { key: 'Comments', value: 'Seen in the pen test.' },
        { key: 'custom:team', value: 'Web' },
      ],
    },
    {
      id: T2,
      numericId: 2,
      threatSource: 'malicious user',
      threatAction: 'flood the search',
      impactedAssets: ['search'],
    },
  ],
  mitigations: [
    { id: M1, numericId: 1, content: 'Short session lifetime', status: 'mitigationResolved' },
    { id: M2, numericId: 2, content: 'Cookie bound to the device', metadata: [{ key: 'Comments', value: 'Later.' }] },
    { id: M3, numericId: 3, content: 'Rate limits' },
  ],
  mitigationLinks: [
    { mitigationId: M1, linkedId: T1 },
    { mitigationId: M2, linkedId: T1 },
    { mitigationId: M2, linkedId: A1 },
  ],
  assumptionLinks: [{ type: 'Threat', assumptionId: A1, linkedId: T1 }],
});

describe('importThreatComposer', () => {
  const result = importThreatComposer(SMALL, 'recipes.tc.json');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  const { model, warnings } = result.value;

  it('recognises a Threat Composer export by its content', () => {
    expect(looksLikeThreatComposer(SMALL)).toBe(true);
    expect(looksLikeThreatComposer('{"schemaVersion": 1, "metadata": {}}')).toBe(false);
    expect(looksLikeThreatComposer('threats: []')).toBe(false);
  });

  it('reads application info, assumptions and descriptions into a model with one empty diagram', () => {
    expect(model.metadata).toEqual({
      name: 'Recipe site',
      description: 'Shares recipes.',
      assumptions: ['The database is not reachable from the internet.'],
    });
    expect(model.template.id).toBe('stride');
    expect(model.diagrams).toEqual([{ id: 'main', name: 'Main', elements: [] }]);
    expect(model.notes?.map((n) => n.text)).toEqual([
      'Architecture\n\nOne web app and a database.',
      'Data flow\n\nBrowsers call the app; the app reads the database.',
      'Mitigation not linked to a threat\n\nRate limits',
    ]);
  });

  it('renders each threat statement as a sentence and keeps its triage, STRIDE and mitigations', () => {
    const first = model.threats?.find((t) => t.id === `threat-composer:${T1}`);
    expect(first).toEqual({
      id: `threat-composer:${T1}`,
      typeId: 'manual',
      origin: 'manual',
      category: 'S',
      title: 'Read private recipes',
      description:
        'An internet-based actor with a stolen session cookie can read private recipes, which leads to recipes shared against their owner’s will, resulting in reduced confidentiality of private recipes and user profiles',
      priority: 'High',
      status: 'mitigated',
      justification: 'Seen in the pen test.',
      mitigations: 'Short session lifetime (done)\nCookie bound to the device. Later.',
      properties: {
        'threat-composer:id': T1,
        'threat-composer:numericId': '1',
        'threat-composer:status': 'threatResolved',
        'threat-composer:STRIDE': 'S, I',
        'threat-composer:tags': 'web',
        'threat-composer:assumptions': 'The database is not reachable from the internet.',
        'threat-composer:custom:team': 'Web',
      },
    });
    const second = model.threats?.find((t) => t.id === `threat-composer:${T2}`);
    expect(second).toMatchObject({
      description: 'A malicious user can flood the search, negatively impacting search',
      priority: 'Medium',
      status: 'not-started',
      category: '',
    });
  });

  it('prefers the statement Threat Composer stored to the one rendered from its parts', () => {
    const threat = { threatSource: 'actor', threatAction: 'poison a LLM', statement: 'An actor can poison an LLM' };
    expect(renderStatement(threat)).toBe('An actor can poison a LLM');
    expect(threatStatement(threat)).toBe('An actor can poison an LLM');
    expect(threatStatement({ statement: '  Only  the statement ' })).toBe('Only the statement');
  });

  it('says what it could not carry across', () => {
    expect(warnings).toEqual([
      'The architecture diagram image was not carried across; Bulwark draws its own diagrams.',
      '1 mitigation(s) are linked to no threat; each was kept as a note.',
      '1 link(s) between assumptions and mitigations (or to missing items) have no place in a Bulwark model and were left out.',
      '1 threat(s) had no priority; they were given Medium.',
    ]);
  });

  it('refuses what is not a Threat Composer export with a clear error', () => {
    const broken = importThreatComposer('{"schema": 1, "threats": [', 'x.tc.json');
    expect(!broken.ok && broken.error.code).toBe('PARSE_SYNTAX');
    const newer = importThreatComposer('{"schema": 2}', 'x.tc.json');
    expect(!newer.ok && newer.error.code).toBe('SCHEMA_VERSION_UNSUPPORTED');
    const bad = importThreatComposer('{"schema": 1, "threats": [{"numericId": 1}]}', 'x.tc.json');
    expect(!bad.ok && bad.error).toMatchObject({ code: 'SCHEMA_INVALID', path: 'threats[0]' });
  });
});

function tcFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? tcFiles(full) : name.endsWith('.tc.json') ? [full] : [];
  });
}

describe.skipIf(!present)('Threat Composer corpus', () => {
  const files = present ? tcFiles(CORPUS) : [];
  const resolved = loadResolvedTemplate('stride');
  if (!resolved.ok) throw new Error(resolved.error.message);
  const stride = resolved.value;

  it('finds the exports', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [relative(CORPUS, f), f]))('%s imports with its threats and mitigations', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(detectFormat(text)?.id).toBe('threat-composer');
    const result = importThreatComposer(text, file);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const source = JSON.parse(text) as {
      threats?: Record<string, unknown>[];
      mitigations?: { id: string }[];
      mitigationLinks?: { mitigationId: string; linkedId: string }[];
    };
    const threats = source.threats ?? [];
    const { model } = result.value;
    expect(validateModel(model, stride).filter((p) => p.severity === 'error')).toEqual([]);
    expect(model.threats?.length ?? 0).toBe(threats.length);
    // Every mitigation is on a threat it is linked to, or a note of its own.
    const threatIds = new Set(threats.map((t) => t.id));
    const linked = new Set(
      (source.mitigationLinks ?? []).filter((l) => threatIds.has(l.linkedId)).map((l) => l.mitigationId),
    );
    const unlinkedNotes = model.notes?.filter((n) => n.text.startsWith('Mitigation not linked')).length ?? 0;
    expect(linked.size + unlinkedNotes).toBe(source.mitigations?.length ?? 0);
    const links = (source.mitigationLinks ?? []).filter((l) => threatIds.has(l.linkedId)).length;
    const carried = model.threats?.reduce((n, t) => n + (t.mitigations?.split('\n').length ?? 0), 0) ?? 0;
    expect(carried).toBe(links);
    // The sentence rendered from the parts is the statement Threat Composer stored, but for the
    // articles it corrects inside the parts ("a LLM" stored as "an LLM").
    const articles = (s: string) =>
      s
        .replace(/\b[Aa]n?\b/g, 'a')
        .replace(/\s+/g, ' ')
        .trim();
    for (const threat of threats) {
      if (typeof threat.statement === 'string')
        expect(articles(renderStatement(threat))).toBe(articles(threat.statement));
    }
    expect((model.threats ?? []).map((t) => t.description).sort()).toEqual(
      threats.map((t) => threatStatement(t)).sort(),
    );
  });
});
