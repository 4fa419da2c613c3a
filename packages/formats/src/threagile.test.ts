import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze, bulwarkError, type Element, err, ok, type Result, validateModel } from '@bulwark/core';
import { loadResolvedTemplate } from '@bulwark/templates';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectFormat } from './registry.js';
import { importThreagile, looksLikeThreagile, relativePath } from './threagile.js';

const CORPUS = new URL('../../../../shared/corpus/threagile/', import.meta.url).pathname;
const present = existsSync(CORPUS);

/** Reads related files from a directory, as the CLI does beside the file it was given. */
function readFrom(dir: string): (path: string) => Result<string> {
  return (path) => {
    const full = join(dir, path);
    return existsSync(full) ? ok(readFileSync(full, 'utf8')) : err(bulwarkError('IO', `${path} does not exist`));
  };
}

/** Reads related files from a table, for fixtures written here. */
function readFromTable(files: Record<string, string>): (path: string) => Result<string> {
  return (path) => (path in files ? ok(files[path] as string) : err(bulwarkError('IO', `${path} does not exist`)));
}

function imported(text: string, file = 'model.yaml', files?: Record<string, string>) {
  const result = importThreagile(text, file, files ? { readRelated: readFromTable(files) } : undefined);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

function elementsOf(model: { diagrams: { elements: Element[] }[] }): Map<string, Element> {
  return new Map(model.diagrams.flatMap((d) => d.elements).map((e) => [e.id, e]));
}

const SMALL = `
threagile_version: 1.0.0
title: Shop
author: { name: Ana }
business_overview: { description: Sells <b>things</b>. }
questions: { Who patches the hosts?: "" }
data_assets:
  Customer Orders:
    id: orders
    description: What customers bought.
    usage: business
    confidentiality: confidential
    integrity: critical
    availability: important
technical_assets:
  Customer Browser:
    id: browser
    type: external-entity
    technology: browser
    used_as_client_by_human: true
    internet: true
    out_of_scope: true
    justification_out_of_scope: Customers own their browsers
    communication_links:
      Shop Traffic:
        target: web
        protocol: https
        authentication: session-id
        authorization: end-user-identity-propagation
        vpn: false
        ip_filtered: false
        readonly: false
        usage: business
        data_assets_sent: [orders]
  Web Server:
    id: web
    type: process
    technology: web-server
    machine: container
    redundant: true
    confidentiality: internal
    tags: [linux, nginx]
    communication_links:
      Orders Query:
        target: db
        protocol: jdbc-encrypted
        authentication: credentials
        vpn: true
        ip_filtered: true
        data_assets_sent: [orders]
        data_assets_received: [orders]
  Database:
    id: db
    type: datastore
    technology: database
    encryption: transparent
trust_boundaries:
  Cloud:
    id: cloud
    type: network-cloud-provider
    technical_assets_inside: [web]
    trust_boundaries_nested: [data-zone]
  Data Zone:
    id: data-zone
    type: network-cloud-security-group
    technical_assets_inside: [db]
shared_runtimes:
  Cluster:
    id: cluster
    description: One Kubernetes cluster
    technical_assets_running: [web, db]
individual_risk_categories:
  Odd Thing:
    id: odd-thing
    description: Something odd.
    mitigation: Stop doing it.
    stride: tampering
    risks_identified:
      <b>Odd Thing</b> at <b>Database</b>:
        severity: high
        most_relevant_technical_asset: db
risk_tracking:
  odd-thing@db:
    status: false-positive
    justification: Not odd after all
    ticket: T-1
    date: 2026-01-02
    checked_by: Bo
  sql-injection@*@db@*:
    status: accepted
    justification: Only internal callers
`;

describe('importThreagile', () => {
  it('recognises a Threagile model by its content', () => {
    expect(looksLikeThreagile(SMALL)).toBe(true);
    expect(looksLikeThreagile('schemaVersion: 1\nmetadata: { name: x }\n')).toBe(false);
  });

  it('turns assets into infrastructure elements that keep Threagile fields as properties', () => {
    const { model } = imported(SMALL);
    expect(model.template).toEqual({ id: 'infrastructure' });
    expect(model.metadata).toMatchObject({ name: 'Shop', owner: 'Ana', description: 'Sells things.' });
    const elements = elementsOf(model);
    expect(elements.get('browser')).toMatchObject({
      kind: 'externalEntity',
      typeId: 'infra.user',
      outOfScope: true,
      outOfScopeReason: 'Customers own their browsers',
      properties: { 'threagile:technology': 'browser', 'threagile:internet': true },
    });
    expect(elements.get('web')).toMatchObject({
      kind: 'process',
      typeId: 'GE.P',
      boundaryId: 'cloud',
      properties: {
        redundant: true,
        'threagile:machine': 'container',
        'threagile:tags': 'linux, nginx',
        'threagile:shared_runtime': 'Cluster',
      },
    });
    expect(elements.get('db')).toMatchObject({
      kind: 'dataStore',
      typeId: 'GE.DS',
      boundaryId: 'data-zone',
      properties: { encryptedAtRest: true, 'threagile:encryption': 'transparent' },
    });
  });

  it('turns links into flows with protocol, authentication, tunnel, allow list and data names', () => {
    const elements = elementsOf(imported(SMALL).model);
    expect(elements.get('browser.shop-traffic')).toMatchObject({
      kind: 'dataFlow',
      source: 'browser',
      target: 'web',
      properties: {
        protocol: 'HTTPS',
        authentication: 'Service',
        carriesSessionTokens: true,
        tunnel: 'None',
        ipAllowList: false,
        'threagile:authorization': 'end-user-identity-propagation',
        'threagile:data_assets_sent': 'Customer Orders',
        'threagile:id': 'browser>shop-traffic',
      },
    });
    expect(elements.get('web.orders-query')).toMatchObject({
      properties: { protocol: 'SQL', carriesCredentials: true, tunnel: 'VPN tunnel', ipAllowList: true },
    });
  });

  it('nests trust boundaries by membership and keeps data assets, runtimes and questions', () => {
    const { model, warnings } = imported(SMALL);
    const elements = elementsOf(model);
    expect(elements.get('cloud')).toMatchObject({
      kind: 'trustBoundary',
      shape: 'box',
      typeId: 'infra.tb.cloud-tenant',
    });
    expect(elements.get('data-zone')).toMatchObject({ boundaryId: 'cloud', typeId: 'GE.TB.B' });
    expect(elements.get('cloud')).not.toHaveProperty('position');
    expect(model.assets).toEqual([
      {
        id: 'orders',
        name: 'Customer Orders',
        classification: 'confidential',
        description: 'What customers bought.\nintegrity: critical; availability: important; usage: business',
      },
    ]);
    expect(model.notes?.map((n) => n.text)).toEqual([
      'Question: Who patches the hosts? (unanswered)',
      'Shared runtime "Cluster" (One Kubernetes cluster) runs: web, db.',
    ]);
    expect(warnings.some((w) => w.includes('Shared runtimes'))).toBe(true);
  });

  it('maps individual risks and risk tracking to manual threats with their status', () => {
    const { model, warnings } = imported(SMALL);
    expect(model.threats?.map((t) => [t.id, t.status, t.category, t.elementId])).toEqual([
      ['threagile:odd-thing@db', 'not-applicable', 'T', 'db'],
      ['threagile:sql-injection@*@db@*', 'not-applicable', '', 'db'],
    ]);
    expect(model.threats?.[0]).toMatchObject({
      origin: 'manual',
      title: 'Odd Thing at Database',
      priority: 'High',
      mitigations: 'Stop doing it.',
      justification: 'Not odd after all\nTicket: T-1',
      changedBy: 'Bo',
    });
    expect(model.threats?.[1]?.justification).toContain('Threagile status: accepted');
    expect(warnings.some((w) => w.includes('"accepted"'))).toBe(true);
    expect(warnings.some((w) => w.includes('1 risk tracking entry'))).toBe(true);
  });

  it('gives a model the infrastructure template accepts and analyses', () => {
    const template = loadResolvedTemplate('infrastructure');
    if (!template.ok) throw new Error(template.error.message);
    const { model } = imported(SMALL);
    expect(validateModel(model, template.value).filter((p) => p.severity === 'error')).toEqual([]);
    expect(analyze(model, template.value).model.threats?.some((t) => t.origin === 'generated')).toBe(true);
  });

  it('follows includes relative to the file that names them, and refuses cycles', () => {
    const files = {
      'parts/assets.yaml': 'includes: [more/db.yaml]\ntechnical_assets:\n  Web: { id: web, type: process }\n',
      'parts/more/db.yaml': 'technical_assets:\n  DB: { id: db, type: datastore }\n',
    };
    const { model } = imported(
      'threagile_version: 1.0.0\ntitle: Split\nincludes: [parts/assets.yaml]\n',
      'm.yaml',
      files,
    );
    expect([...elementsOf(model).keys()]).toEqual(['web', 'db']);
    expect(relativePath('a/b/c.yaml', '../d.yaml')).toBe('a/d.yaml');

    const cyclic = importThreagile('threagile_version: 1.0.0\nincludes: [b.yaml]\n', 'a.yaml', {
      readRelated: readFromTable({ 'b.yaml': 'includes: [a.yaml]\n', 'a.yaml': 'includes: [b.yaml]\n' }),
    });
    expect(cyclic.ok).toBe(false);
    if (!cyclic.ok)
      expect(cyclic.error.message).toBe('The includes form a cycle: a.yaml -> b.yaml -> a.yaml. Remove one of them.');

    const missing = importThreagile('threagile_version: 1.0.0\nincludes: [gone.yaml]\n', 'a.yaml', {
      readRelated: readFromTable({}),
    });
    expect(!missing.ok && missing.error.message).toContain('includes gone.yaml, which could not be read');

    const alone = imported('threagile_version: 1.0.0\nincludes: [b.yaml]\n', 'a.yaml');
    expect(alone.warnings).toEqual([
      'a.yaml includes b.yaml, which was not read (no access to related files); its content is missing.',
    ]);
  });

  it('refuses malformed files with a clear error', () => {
    const broken = importThreagile('threagile_version: 1.0.0\ntitle: A\ntitle: B\n', 'bad.yaml');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatchObject({ code: 'PARSE_SYNTAX', file: 'bad.yaml', line: 3 });
    const list = importThreagile('- threagile_version\n', 'list.yaml');
    expect(!list.ok && list.error.code).toBe('SCHEMA_INVALID');
    const wrong = importThreagile('threagile_version: 1.0.0\ntechnical_assets: 3\n', 'w.yaml');
    expect(!wrong.ok && wrong.error.message).toBe('"technical_assets" must be a mapping of named entries.');
  });
});

/** Counts in a (merged) Threagile document, independently of the importer. */
function sourceCounts(data: Record<string, unknown>) {
  const size = (v: unknown) => (Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0);
  const assets = Object.values((data.technical_assets ?? {}) as Record<string, { communication_links?: unknown }>);
  return {
    nodes: assets.length,
    flows: assets.reduce((n, a) => n + size(a.communication_links), 0),
    boundaries: size(data.trust_boundaries),
    assets: size(data.data_assets),
  };
}

function importedCounts(model: { diagrams: { elements: Element[] }[]; assets?: unknown[] }) {
  const elements = model.diagrams.flatMap((d) => d.elements);
  const count = (kind: Element['kind']) => elements.filter((e) => e.kind === kind).length;
  return {
    nodes: count('process') + count('dataStore') + count('externalEntity'),
    flows: count('dataFlow'),
    boundaries: count('trustBoundary'),
    assets: model.assets?.length ?? 0,
  };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? yamlFiles(full) : name.endsWith('.yaml') ? [full] : [];
  });
}

describe.skipIf(!present)('Threagile corpus', () => {
  const models = present ? yamlFiles(CORPUS).filter((f) => looksLikeThreagile(readFileSync(f, 'utf8'))) : [];

  it('finds the models', () => {
    expect(models.length).toBeGreaterThanOrEqual(5);
  });

  it.each(models.map((f) => [relative(CORPUS, f), f]))('%s imports with the counts of its source', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(detectFormat(text)?.id).toBe('threagile');
    const result = importThreagile(text, relative(CORPUS, file), { readRelated: readFrom(CORPUS) });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const source = parse(text, { merge: true });
    if ('includes' in source) return; // the split model is checked below
    // A part of the split model links to assets in other parts: each such link is a warning.
    const dropped = result.value.warnings.filter((w) => w.includes('which is not a technical asset')).length;
    const counts = importedCounts(result.value.model);
    expect({ ...counts, flows: counts.flows + dropped }).toEqual(sourceCounts(source));
  });

  it('follows the split model includes to the same model as its single-file form', () => {
    const split = importThreagile(
      readFileSync(join(CORPUS, 'test-split-model/main.yaml'), 'utf8'),
      'test-split-model/main.yaml',
      {
        readRelated: readFrom(CORPUS),
      },
    );
    const single = readFileSync(join(CORPUS, 'test-split-model/all.yaml'), 'utf8');
    if (!split.ok) throw new Error(JSON.stringify(split.error));
    expect(importedCounts(split.value.model)).toEqual(sourceCounts(parse(single)));
    const whole = importThreagile(single, 'all.yaml');
    if (!whole.ok) throw new Error(JSON.stringify(whole.error));
    const ids = (m: typeof split.value.model) => m.diagrams.flatMap((d) => d.elements.map((e) => e.id)).sort();
    expect(ids(split.value.model)).toEqual(ids(whole.value.model));
    expect(split.value.model.threats?.length).toBe(whole.value.model.threats?.length);
  });

  it('gives full models the infrastructure template accepts', () => {
    const template = loadResolvedTemplate('infrastructure');
    if (!template.ok) throw new Error(template.error.message);
    for (const file of [
      'threagile-example-model.yaml',
      'real-world/argo-cd-threagile.yaml',
      'test-split-model/main.yaml',
    ]) {
      const result = importThreagile(readFileSync(join(CORPUS, file), 'utf8'), file, { readRelated: readFrom(CORPUS) });
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      expect(
        validateModel(result.value.model, template.value).filter((p) => p.severity === 'error'),
        file,
      ).toEqual([]);
    }
  });

  it('keeps the 21 tracked risks of the Argo CD model', () => {
    const file = 'real-world/argo-cd-threagile.yaml';
    const result = importThreagile(readFileSync(join(CORPUS, file), 'utf8'), file);
    expect(result.ok && result.value.model.threats?.length).toBe(21);
  });
});
