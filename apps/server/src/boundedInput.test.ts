/**
 * Bounded input: every string a request schema takes has a maximum length, the login limiter's
 * memory stays bounded whatever names callers send, and malformed input (JSON nested without
 * end, a query parameter given twice) gets a 4xx that says what is wrong, never a 500.
 */
import { readFileSync } from 'node:fs';
import { MAX_TEXT_LENGTH, TemplateSchema, ThreatModelSchema } from '@bulwark/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from './app.js';
import { LoginLimiter } from './loginLimiter.js';
import { jsonNestingProblem, queryProblem } from './requestGuards.js';
import * as requestSchemas from './requestSchemas.js';
import { UserStore } from './storage/UserStore.js';
import { type Backend, backends } from './testing/backends.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const example = JSON.parse(readFileSync(`${ROOT}examples/infrastructure.bulwark.json`, 'utf8'));

/** The paths of every string in a JSON Schema that has no maxLength. */
function unboundedStrings(schema: unknown, path = '$', seen = new Set<unknown>()): string[] {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  const isString = s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
  if (isString && s.enum === undefined && s.const === undefined && typeof s.maxLength !== 'number') out.push(path);
  for (const [k, v] of Object.entries(s)) {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) out.push(...unboundedStrings(x, `${path}.${k}[${i}]`, seen));
    } else if (typeof v === 'object') out.push(...unboundedStrings(v, `${path}.${k}`, seen));
  }
  return out;
}

describe('every string in every request schema has a maximum length', () => {
  const schemas: Record<string, z.ZodType> = {
    ThreatModelSchema,
    TemplateSchema,
    ...Object.fromEntries(Object.entries(requestSchemas).filter(([, v]) => v instanceof z.ZodType)),
  };

  it('finds the request schemas', () => {
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['LoginBodySchema', 'ThreatPatchBodySchema', 'CommentCreateSchema', 'ThreatModelSchema']),
    );
  });

  it.each(Object.keys(schemas))('%s', (name) => {
    const json = z.toJSONSchema(schemas[name] as z.ZodType, { unrepresentable: 'any', io: 'input' });
    expect(unboundedStrings(json)).toEqual([]);
  });

  it('the walk finds an unbounded string (it can fail)', () => {
    expect(unboundedStrings(z.toJSONSchema(z.object({ a: z.string(), b: z.string().max(3) })))).toEqual([
      '$.properties.a',
    ]);
  });

  it('a model string over the limit is refused with its path', () => {
    const r = ThreatModelSchema.safeParse({
      ...example,
      metadata: { ...example.metadata, description: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['metadata', 'description']);
  });
});

describe('the login limiter stays small', () => {
  it('keeps a hash of each name, not the name', () => {
    const limiter = new LoginLimiter({ attempts: 3, windowMs: 60_000 });
    limiter.fail('x'.repeat(10_000_000), '10.0.0.1');
    const keys = [...(limiter as unknown as { failures: Map<string, unknown> }).failures.keys()];
    expect(keys.map((k) => k.length)).toEqual([64]);
  });

  it('counts at most maxEntries pairs, dropping expired then oldest ones', () => {
    let t = 0;
    const limiter = new LoginLimiter({ attempts: 3, windowMs: 1000, maxEntries: 1000 }, () => t);
    for (let i = 0; i < 5000; i++) limiter.fail(`user${i}`, '10.0.0.1');
    expect(limiter.size).toBe(1000);
    // The newest pairs are still counted.
    for (let i = 0; i < 2; i++) limiter.fail('user4999', '10.0.0.1');
    expect(limiter.retryAfter('user4999', '10.0.0.1')).toBeGreaterThan(0);
    t = 5000;
    limiter.fail('late', '10.0.0.2');
    expect(limiter.size).toBe(1);
  });
});

describe('malformed input gets a 4xx that says what is wrong', () => {
  it('measures JSON nesting outside strings only', () => {
    expect(jsonNestingProblem('[[[]]]', 3)).toBeUndefined();
    expect(jsonNestingProblem('[[[[]]]]', 3)).toMatch(/deeper than 3/);
    expect(jsonNestingProblem('{"a":"[[[[[[\\"[[["}', 2)).toBeUndefined();
  });

  it('names a repeated query parameter', () => {
    expect(queryProblem({ version: ['a', 'b'] })).toMatch(/"version" 2 times/);
    expect(queryProblem({ format: 'x'.repeat(5000) })).toMatch(/"format" is 5000 characters/);
    expect(queryProblem({ format: 'json' })).toBeUndefined();
  });
});

describe.each(backends())('bounded requests on the server ($name)', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let app: FastifyInstance;
  let token = '';
  let modelId = '';
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildApp({ store: opened.store, auth: 'local' });
    const users = new UserStore(opened.store.db);
    const u = await users.add('alice', 'alice-long-passphrase-9', true);
    token = (await users.createToken(u.id, 'tests')).token;
    const created = await app.inject({ method: 'POST', url: '/api/models', payload: example, headers: auth() });
    expect(created.statusCode).toBe(201);
    modelId = created.json().id;
  });
  afterAll(async () => {
    await app?.close();
    await opened?.dispose();
  });

  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

  it.each([
    ['POST', '/api/models', 'application/json'],
    ['POST', '/api/models', 'text/plain'],
    ['POST', '/api/models', 'application/yaml'],
    ['PUT', '/api/models/:id', 'application/json'],
    ['PATCH', '/api/models/:id/threats', 'application/json'],
    ['POST', '/api/models/:id/comments', 'application/json'],
    ['POST', '/api/templates', 'application/json'],
    ['POST', '/api/login', 'application/json'],
  ])('a 200,000-deep body to %s %s as %s: 4xx', async (method, url, type) => {
    for (const body of [deep(200_000), deepObject(200_000)]) {
      const r = await app.inject({
        method: method as 'POST',
        url: url.replace(':id', modelId),
        payload: body,
        headers: { ...auth(), 'content-type': type, 'if-match': '"1"' },
      });
      expect(r.statusCode, r.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, r.body.slice(0, 300)).toBeLessThan(500);
      expect(r.json().message).toBeTruthy();
    }
  });

  it.each([
    `/api/models/:id?version=a&version=b`,
    `/api/models/:id/export?format=json&format=yaml`,
    `/api/models/:id/export?format=pdf&page=a4&page=letter`,
    `/api/models/:id/diff?from=1&from=2`,
    `/api/models/:id/diff?to=1&to=x`,
    `/api/templates/stride?version=1&version=2`,
    `/api/templates/stride/export?format=json&format=tb7`,
  ])('GET %s: 400 naming the parameter', async (url) => {
    const r = await app.inject({ url: url.replace(':id', modelId), headers: auth() });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().message).toMatch(/gives "\w+" 2 times/);
  });

  it.each([
    ['PUT', `/api/models/:id?message=a&message=b`],
    ['POST', `/api/models/:id/analyze?message=a&message=b`],
  ])('%s %s: 400, and nothing saved', async (method, url) => {
    const r = await app.inject({
      method: method as 'PUT',
      url: url.replace(':id', modelId),
      payload: example,
      headers: { ...auth(), 'if-match': '"1"' },
    });
    expect(r.statusCode, r.body).toBe(400);
    const now = await app.inject({ url: `/api/models/${modelId}`, headers: auth() });
    expect(now.json().version).toBe(1);
  });

  it('a query value or a path too long: 4xx', async () => {
    const r = await app.inject({ url: `/api/models/${modelId}/export?format=${'x'.repeat(5000)}`, headers: auth() });
    expect(r.statusCode).toBe(400);
    const long = await app.inject({ url: `/api/models/${'x'.repeat(5000)}`, headers: auth() });
    expect([404, 414]).toContain(long.statusCode);
  });

  it('diff and version numbers that are not numbers: 400', async () => {
    for (const q of ['from=abc', 'to=1e400', 'from=-1', 'from=1.5', 'to=0', 'from=99999999999999']) {
      const r = await app.inject({ url: `/api/models/${modelId}/diff?${q}`, headers: auth() });
      expect(r.statusCode, `${q}: ${r.body}`).toBe(400);
      expect(r.json().message).toMatch(/version number/);
    }
    for (const v of ['abc', '-1', '1.5', '0', '1e3']) {
      const r = await app.inject({ url: `/api/models/${modelId}/versions/${v}`, headers: auth() });
      expect(r.statusCode, `${v}: ${r.body}`).toBe(400);
    }
    expect((await app.inject({ url: `/api/models/${modelId}/versions/1`, headers: auth() })).statusCode).toBe(200);
  });

  it('a login with a 10 MB name is refused before it is read whole, and a 1,000-character one by the schema', async () => {
    const huge = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'x'.repeat(10 * 1024 * 1024), password: 'p' },
    });
    expect(huge.statusCode).toBe(413);
    const long = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'x'.repeat(1000), password: 'whatever-password' },
    });
    expect(long.statusCode).toBe(422);
    expect(long.json().message).toMatch(/name/);
  });

  it('twenty logins with long names leave the server no bigger', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) {
      await app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { name: `${i}${'y'.repeat(190)}`, password: 'p' },
      });
    }
    global.gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('long triage text and comments are refused with the field named', async () => {
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/models/${modelId}/threats`,
      payload: { threats: [{ id: 'x', justification: 'j'.repeat(100_001) }] },
      headers: { ...auth(), 'if-match': '"1"' },
    });
    expect(patch.statusCode).toBe(422);
    const comment = await app.inject({
      method: 'POST',
      url: `/api/models/${modelId}/comments`,
      payload: { target: `threat:${'t'.repeat(5000)}`, body: 'hi' },
      headers: auth(),
    });
    expect(comment.statusCode).toBe(422);
  });
});
