import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordRefused } from '../passwordPolicy.js';
import { type Backend, backends } from '../testing/backends.js';
import { UserStore } from './UserStore.js';

/**
 * The median times, in milliseconds, of `runs` calls of each function, taken in turns (so both
 * see the same load from whatever else the machine is doing), after one call of each to warm up.
 */
async function medians(runs: number, ...fs: (() => Promise<unknown>)[]): Promise<number[]> {
  for (const f of fs) await f();
  const times: number[][] = fs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, f] of fs.entries()) {
      const start = performance.now();
      await f();
      times[k]?.push(performance.now() - start);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(runs / 2)] as number);
}

describe.each(backends())('UserStore on $name', (backend: Backend) => {
  let opened: Awaited<ReturnType<Backend['open']>>;
  let users: UserStore;
  beforeAll(async () => {
    opened = await backend.open();
    users = new UserStore(opened.store.db);
    await users.add('ana', 'ana-correct-horse-battery');
  });
  afterAll(async () => {
    await opened.dispose();
  });

  describe('passwords follow the policy wherever they are set', () => {
    it.each([
      ['ten spaces', ' '.repeat(10), /only spaces/],
      ['a short one', 'short-pw', /at least 12 characters/],
      ['a common one', 'Password123!', /list of common passwords/],
      ['the name', 'bo-the-builder', /your user name/],
    ])('refuses to add a user with %s, and adds nobody', async (_label, password, message) => {
      const name = password === 'bo-the-builder' ? 'bo-the-builder' : `weak-${_label.replace(/ /g, '-')}`;
      const added = users.add(name, password);
      await expect(added).rejects.toBeInstanceOf(PasswordRefused);
      await expect(added).rejects.toThrow(message);
      expect(await users.byName(name)).toBeUndefined();
    });

    it('refuses a weak new password and keeps the old one', async () => {
      await users.add('cy', 'cy-tangerine-umbrella');
      await expect(users.resetPassword('cy', 'qwerty123456')).rejects.toThrow(/repeated or consecutive/);
      await expect(users.resetPassword('cy', 'cy2024cy2024')).rejects.toThrow(/your user name/);
      expect(await users.verify('cy', 'cy-tangerine-umbrella')).toMatchObject({ name: 'cy' });
      expect(await users.resetPassword('cy', 'violet kettle harbour')).toBe(true);
      expect(await users.verify('cy', 'violet kettle harbour')).toMatchObject({ name: 'cy' });
    });

    it('stores the password NFKC-normalised, so another Unicode form of it signs in', async () => {
      await users.add('di', 'cafe\u0301 nai\u0308ve re\u0301sume\u0301');
      expect(await users.verify('di', 'caf\u00e9 na\u00efve r\u00e9sum\u00e9')).toMatchObject({ name: 'di' });
    });
  });

  describe('API tokens have a scope and an expiry, and die with a password reset', () => {
    const DAY = 86_400_000;
    const near = (iso: string | null, ms: number): boolean =>
      iso !== null && Math.abs(new Date(iso).getTime() - ms) < 60_000;

    it('gives a token write scope and 90 days unless told otherwise, and lists both', async () => {
      const ana = await users.byName('ana');
      const made = await users.createToken(ana?.id ?? '', 'default');
      expect(made.scope).toBe('write');
      expect(near(made.expiresAt, Date.now() + 90 * DAY)).toBe(true);
      expect(await users.byToken(made.token)).toEqual({ user: ana, scope: 'write' });
      const listed = (await users.tokens(ana?.id ?? '')).find((t) => t.id === made.id);
      expect(listed).toMatchObject({ name: 'default', scope: 'write', expiresAt: made.expiresAt, revokedAt: null });
    });

    it('makes read-only tokens and tokens of any life from 1 to 365 days', async () => {
      const ana = await users.byName('ana');
      const read = await users.createToken(ana?.id ?? '', 'ci', { scope: 'read', expiresInDays: 7 });
      expect(near(read.expiresAt, Date.now() + 7 * DAY)).toBe(true);
      expect(await users.byToken(read.token)).toEqual({ user: ana, scope: 'read' });
      const year = await users.createToken(ana?.id ?? '', 'long', { expiresInDays: 365 });
      expect(near(year.expiresAt, Date.now() + 365 * DAY)).toBe(true);
      for (const days of [0, -1, 366, 1.5, Number.NaN])
        await expect(users.createToken(ana?.id ?? '', 'bad', { expiresInDays: days })).rejects.toThrow(/1 to 365/);
    });

    it('refuses expired, revoked and unknown tokens, and tokens without an expiry', async () => {
      const ana = await users.byName('ana');
      const expired = await users.createToken(ana?.id ?? '', 'old');
      await opened.store.db
        .updateTable('api_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', expired.id)
        .execute();
      expect(await users.byToken(expired.token)).toBeUndefined();
      const revoked = await users.createToken(ana?.id ?? '', 'gone');
      expect(await users.revokeToken(revoked.id)).toBe(true);
      expect(await users.byToken(revoked.token)).toBeUndefined();
      const endless = await users.createToken(ana?.id ?? '', 'endless');
      await opened.store.db.updateTable('api_tokens').set({ expires_at: null }).where('id', '=', endless.id).execute();
      expect(await users.byToken(endless.token)).toBeUndefined();
      expect(await users.byToken('bwk_not-a-token')).toBeUndefined();
    });

    it("revokes every live token of the user on a password reset, and no one else's", async () => {
      const bo = await users.add('bo', 'bo-tangerine-umbrella');
      const other = await users.add('eve', 'eve-tangerine-umbrella');
      const a = await users.createToken(bo.id, 'a');
      const b = await users.createToken(bo.id, 'b', { scope: 'read' });
      const kept = await users.createToken(other.id, 'kept');
      const session = await users.createSession(bo.id);
      expect(await users.resetPassword('bo', 'violet kettle harbour')).toBe(true);
      expect(await users.byToken(a.token)).toBeUndefined();
      expect(await users.byToken(b.token)).toBeUndefined();
      expect(await users.session(session.sessionId)).toBeUndefined();
      expect((await users.tokens(bo.id)).every((t) => t.revokedAt !== null)).toBe(true);
      expect(await users.byToken(kept.token)).toMatchObject({ user: { name: 'eve' } });
      // A token made after the reset works.
      const after = await users.createToken(bo.id, 'after');
      expect(await users.byToken(after.token)).toMatchObject({ user: { name: 'bo' } });
    });
  });

  describe('signing in takes as long whether or not the name exists', () => {
    it('costs an unknown name a password hash check too, as long as a wrong password for a known name', async () => {
      const [known = 0, unknown = 0] = await medians(
        9,
        () => users.verify('ana', 'not-her-password-at-all'),
        () => users.verify('nobody-of-that-name', 'not-her-password-at-all'),
      );
      expect(unknown, `unknown ${unknown.toFixed(1)} ms, known ${known.toFixed(1)} ms`).toBeGreaterThanOrEqual(
        known * 0.5,
      );
    });

    it('costs a user without a password (and a right one) the same check', async () => {
      await opened.store.db
        .insertInto('users')
        .values({ id: 'no-pw', name: 'no-password', password_hash: null, is_admin: 0, created_at: '2024-01-01' })
        .execute();
      const [known = 0, right = 0, noPassword = 0] = await medians(
        7,
        () => users.verify('ana', 'not-her-password-at-all'),
        () => users.verify('ana', 'ana-correct-horse-battery'),
        () => users.verify('no-password', 'anything-at-all-here'),
      );
      expect(noPassword).toBeGreaterThanOrEqual(known * 0.5);
      expect(right).toBeGreaterThanOrEqual(known * 0.5);
      expect(await users.verify('no-password', '')).toBeUndefined();
      expect(await users.verify('ana', 'ana-correct-horse-battery')).toMatchObject({ name: 'ana' });
    });
  });
});
