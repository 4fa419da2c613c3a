import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from '../testing/backends.js';
import { UserStore } from './UserStore.js';

/** The median time, in milliseconds, of `runs` calls of `f` (one call first to warm up). */
async function medianMs(runs: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
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

  describe('signing in takes as long whether or not the name exists', () => {
    it('costs an unknown name a password hash check too, as long as a wrong password for a known name', async () => {
      const known = await medianMs(7, () => users.verify('ana', 'not-her-password-at-all'));
      const unknown = await medianMs(7, () => users.verify('nobody-of-that-name', 'not-her-password-at-all'));
      expect(unknown, `unknown ${unknown.toFixed(1)} ms, known ${known.toFixed(1)} ms`).toBeGreaterThanOrEqual(
        known * 0.5,
      );
      expect(known).toBeGreaterThanOrEqual(unknown * 0.5);
    });

    it('costs a user without a password (and a right one) the same check', async () => {
      await opened.store.db
        .insertInto('users')
        .values({ id: 'no-pw', name: 'no-password', password_hash: null, is_admin: 0, created_at: '2024-01-01' })
        .execute();
      const known = await medianMs(5, () => users.verify('ana', 'not-her-password-at-all'));
      const right = await medianMs(5, () => users.verify('ana', 'ana-correct-horse-battery'));
      const noPassword = await medianMs(5, () => users.verify('no-password', 'anything-at-all-here'));
      expect(noPassword).toBeGreaterThanOrEqual(known * 0.5);
      expect(right).toBeGreaterThanOrEqual(known * 0.5);
      expect(await users.verify('no-password', '')).toBeUndefined();
      expect(await users.verify('ana', 'ana-correct-horse-battery')).toMatchObject({ name: 'ana' });
    });
  });
});
