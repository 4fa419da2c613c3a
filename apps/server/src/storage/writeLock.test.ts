import { describe, expect, it } from 'vitest';
import { WriteLock } from './writeLock.js';

describe('WriteLock', () => {
  it('gives the lock in the order asked, one holder at a time, and a release counts once', async () => {
    const lock = new WriteLock();
    const order: string[] = [];
    let holders = 0;
    const hold = async (name: string, ms: number) => {
      const release = await lock.acquire();
      holders++;
      expect(holders).toBe(1);
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name} out`);
      holders--;
      release();
      release(); // a second call changes nothing
    };
    await Promise.all([hold('a', 20), hold('b', 1), hold('c', 5)]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(lock.queued).toBe(0);
  });

  it('waiting does not block the event loop', async () => {
    const lock = new WriteLock();
    const release = await lock.acquire();
    let waited = false;
    const second = lock.acquire().then((r) => {
      waited = true;
      r();
    });
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        ticks++;
        if (ticks === 5) {
          clearInterval(t);
          resolve();
        }
      }, 1);
    });
    expect(waited).toBe(false);
    expect(lock.queued).toBe(1);
    release();
    await second;
    expect(waited).toBe(true);
  });
});
