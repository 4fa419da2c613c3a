/**
 * Secrets: passwords hashed with scrypt (salted, parameters kept with the hash), API tokens and
 * session ids as random bytes of which only a SHA-256 is stored, compared in constant time.
 *
 * scrypt runs on libuv's thread pool (the async form), so a sign-in does not hold up the other
 * requests for its 30-50 ms.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 } as const;
const MAXMEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, { ...options, maxmem: MAXMEM }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/**
 * The form a password is hashed and checked in: Unicode NFKC, so the same password typed on
 * another keyboard or system (composed or decomposed accents, full-width letters) still matches.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes a password (normalised) as `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(normalizePassword(password), salt, SCRYPT.keylen, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function matches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Does the password match the stored hash? Constant time; false for malformed hashes. Hashes
 * made before passwords were normalised hold the password as typed: a password that NFKC changes
 * is tried as typed too (for every hash, so the time says nothing about which kind it is).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const normalized = normalizePassword(password);
  if (await matches(normalized, stored)) return true;
  return normalized !== password && (await matches(password, stored));
}

/**
 * A hash no password matches (random salt, random digest), with the same parameters as a real
 * one: checking a sign-in for an unknown name, or a user without a password, against it takes
 * as long as checking a wrong password, so the answer's time does not tell which names exist.
 */
const NO_PASSWORD = [
  'scrypt',
  SCRYPT.N,
  SCRYPT.r,
  SCRYPT.p,
  randomBytes(16).toString('base64url'),
  randomBytes(SCRYPT.keylen).toString('base64url'),
].join('$');

/** Spends the time of a password check and answers false (an unknown name, no password set). */
export async function verifyNoPassword(password: string): Promise<false> {
  await verifyPassword(password, NO_PASSWORD);
  return false;
}

/** A new random secret: `prefix_` + 32 random bytes, base64url. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** What is stored for a secret: its SHA-256, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
