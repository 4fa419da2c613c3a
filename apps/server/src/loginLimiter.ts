/**
 * Slows down password guessing: after `attempts` wrong passwords for one name from one address
 * within `windowMs`, further logins for that pair are refused until the window has passed.
 */

/** How many wrong passwords one name may get from one address, and for how long they count. */
export interface LoginLimit {
  attempts: number;
  windowMs: number;
}

/** The default: 10 wrong passwords per name and address in 15 minutes. */
export const DEFAULT_LOGIN_LIMIT: LoginLimit = { attempts: 10, windowMs: 15 * 60 * 1000 };

/** Counts failed logins per name + address in memory (one server process). */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: LoginLimit = DEFAULT_LOGIN_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  private key(name: string, ip: string): string {
    return `${ip}\u0000${name.toLowerCase()}`;
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
    if (entry && entry.resetAt > this.now()) entry.count += 1;
    else this.failures.set(key, { count: 1, resetAt: this.now() + this.limit.windowMs });
    if (this.failures.size > 100_000) {
      const t = this.now();
      for (const [k, v] of this.failures) if (v.resetAt <= t) this.failures.delete(k);
    }
  }

  /** A right password clears the count. */
  succeed(name: string, ip: string): void {
    this.failures.delete(this.key(name, ip));
  }
}
