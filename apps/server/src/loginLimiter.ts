/**
 * Slows down password guessing: after `attempts` wrong passwords for one name from one address
 * within `windowMs`, further logins for that pair are refused until the window has passed.
 * Memory is bounded whatever callers send: a pair is kept as a SHA-256 of the name and address
 * (64 characters, however long the name), and at most `maxEntries` pairs are counted (the expired
 * ones go first, then the oldest).
 */
import { createHash } from 'node:crypto';

/** How many wrong passwords one name may get from one address, and for how long they count. */
export interface LoginLimit {
  attempts: number;
  windowMs: number;
  /** How many name and address pairs are counted at most (default 50,000: a few MB). */
  maxEntries?: number;
}

/** The default: 10 wrong passwords per name and address in 15 minutes. */
export const DEFAULT_LOGIN_LIMIT: LoginLimit = { attempts: 10, windowMs: 15 * 60 * 1000, maxEntries: 50_000 };

/** Counts failed logins per name + address in memory (one server process). */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: LoginLimit = DEFAULT_LOGIN_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many pairs are counted now. */
  get size(): number {
    return this.failures.size;
  }

  private key(name: string, ip: string): string {
    return createHash('sha256').update(ip).update('\u0000').update(name.toLowerCase()).digest('hex');
  }

  /** Seconds until `name` may try again from `ip`, or 0 when it may try now. */
  retryAfter(name: string, ip: string): number {
    const entry = this.failures.get(this.key(name, ip));
    if (!entry) return 0;
    const left = entry.resetAt - this.now();
    if (left <= 0) {
      this.failures.delete(this.key(name, ip));
      return 0;
    }
    return entry.count >= this.limit.attempts ? Math.ceil(left / 1000) : 0;
  }

  /** Records a wrong password. */
  fail(name: string, ip: string): void {
    const key = this.key(name, ip);
    const entry = this.failures.get(key);
    if (entry && entry.resetAt > this.now()) {
      entry.count += 1;
      return;
    }
    this.failures.delete(key);
    const max = this.limit.maxEntries ?? DEFAULT_LOGIN_LIMIT.maxEntries ?? 50_000;
    if (this.failures.size >= max) {
      const t = this.now();
      for (const [k, v] of this.failures) if (v.resetAt <= t) this.failures.delete(k);
      // Still full: the oldest pairs go (a Map iterates in insertion order).
      for (const k of this.failures.keys()) {
        if (this.failures.size < max) break;
        this.failures.delete(k);
      }
    }
    this.failures.set(key, { count: 1, resetAt: this.now() + this.limit.windowMs });
  }

  /** A right password clears the count. */
  succeed(name: string, ip: string): void {
    this.failures.delete(this.key(name, ip));
  }
}
