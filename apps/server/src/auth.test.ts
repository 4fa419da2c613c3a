import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, normalizePassword, verifyNoPassword, verifyPassword } from './auth.js';

describe('password hashes', () => {
  it('matches the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('tangerine umbrella seventy');
    const b = await hashPassword('tangerine umbrella seventy');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(await verifyPassword('tangerine umbrella seventy', a)).toBe(true);
    expect(await verifyPassword('tangerine umbrella seventy ', a)).toBe(false);
    expect(await verifyPassword('Tangerine umbrella seventy', a)).toBe(false);
    expect(await verifyPassword('tangerine umbrella seventy', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('tangerine umbrella seventy', '')).toBe(false);
  });

  it('matches the same password typed in another Unicode form (NFKC)', async () => {
    const composed = 'caf\u00e9 na\u00efve r\u00e9sum\u00e9';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const stored = await hashPassword(composed);
    expect(await verifyPassword(decomposed, stored)).toBe(true);
    // Full-width letters are their ASCII letters under NFKC.
    const fullWidth = await hashPassword('\uff41\uff42\uff43 tangerine umbrella');
    expect(await verifyPassword('abc tangerine umbrella', fullWidth)).toBe(true);
    expect(normalizePassword('\ufb01sh')).toBe('fish');
  });

  it('still accepts a hash made before normalisation, of the password as typed', async () => {
    const typed = 'r\u00e9sum\u00e9 tangerine umbrella'.normalize('NFD');
    const salt = randomBytes(16);
    const legacy = [
      'scrypt',
      16384,
      8,
      1,
      salt.toString('base64url'),
      scryptSync(typed, salt, 64, { N: 16384, r: 8, p: 1 }).toString('base64url'),
    ].join('$');
    expect(await verifyPassword(typed, legacy)).toBe(true);
    expect(await verifyPassword('resume tangerine umbrella', legacy)).toBe(false);
  });

  it('answers no to every password when there is no hash to check against', async () => {
    for (const p of ['', 'password', 'tangerine umbrella seventy']) expect(await verifyNoPassword(p)).toBe(false);
  });
});
