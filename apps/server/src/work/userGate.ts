/**
 * Heavy jobs in flight per user. A user may run a few at once (an analysis and an export); the
 * next one is refused (429 with Retry-After) until one ends, so that one user's burst cannot fill
 * the worker pool and the print queue that everyone shares. This counts jobs in flight, not
 * requests per time window: a rate limit (such as @fastify/rate-limit) would let a user start as
 * many 30-second jobs as a minute's allowance holds, and refuse quick ones that cost nothing.
 */

/** A refusal: the user has `limit` jobs running; the first is expected to end in `retryAfter` s. */
export interface GateRefusal {
  limit: number;
  retryAfter: number;
}

export class UserGate {
  readonly #running = new Map<string, { started: number; expectedMs: number }[]>();

  /** `limit`: heavy jobs a user may have in flight at once. */
  constructor(readonly limit: number) {}

  /**
   * Lets a job of `user` in (returns the function that lets it out, once) or refuses it.
   * `expectedMs` is how long such a job usually takes (for the refusals' Retry-After).
   */
  enter(user: string, expectedMs: number): (() => void) | GateRefusal {
    const mine = this.#running.get(user) ?? [];
    if (mine.length >= this.limit) {
      const now = performance.now();
      const soonest = Math.min(...mine.map((j) => j.started + j.expectedMs - now));
      return { limit: this.limit, retryAfter: Math.min(120, Math.max(1, Math.ceil(soonest / 1000))) };
    }
    const job = { started: performance.now(), expectedMs };
    mine.push(job);
    this.#running.set(user, mine);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const still = (this.#running.get(user) ?? []).filter((j) => j !== job);
      if (still.length > 0) this.#running.set(user, still);
      else this.#running.delete(user);
    };
  }

  /** Jobs in flight for `user`. */
  inFlight(user: string): number {
    return this.#running.get(user)?.length ?? 0;
  }
}
