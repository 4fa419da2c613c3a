import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX, PASSWORD_MIN } from './passwordPolicy.js';

/** The message a refused password gets (undefined when it is accepted). */
function problem(password: string, name?: string): string | undefined {
  const r = checkPassword(password, name);
  return r.ok ? undefined : r.error.message;
}

describe('the password policy (NIST SP 800-63B)', () => {
  it('states its limits: at least 12 characters, at most 256', () => {
    expect(PASSWORD_MIN).toBe(12);
    expect(PASSWORD_MAX).toBe(256);
  });

  it.each([
    'correct horse battery staple',
    'tangerine umbrella seventy',
    'violet kettle harbour',
    'Tr0ub4dor&3 is not mine',
    'j8#Lq2!vZ0p$',
    'ünïcödé pässwörd wïth äccents',
    'パスワードはとても長いです',
    '🐢🐇🦊🐢🐇🦊🐢🐇🦊🐻🐼🐨',
    'purple cow on the roof',
  ])('accepts %j', (password) => {
    expect(problem(password, 'ana')).toBeUndefined();
  });

  it('counts characters (Unicode code points after NFKC), not UTF-16 units or bytes', () => {
    // Eleven emoji are 22 UTF-16 units but 11 characters: too short.
    expect(problem('🐢🐇🦊🐢🐇🦊🐢🐇🦊🐻🐼')).toMatch(/at least 12 characters \(this one has 11\)/);
    // A decomposed accent is two code points until NFKC composes it: 13 code points as typed, 11 characters.
    expect(problem('re\u0301sume\u0301 tang')).toMatch(/this one has 11/);
    // The "ﬃ" ligature is three letters under NFKC: 12 characters.
    expect(problem('\ufb03 tangerine')).toBeUndefined();
    expect(problem('k9#mW2!qZ7x')).toMatch(/at least 12 characters \(this one has 11\)/);
    expect(problem('k9#mW2!qZ7xP')).toBeUndefined();
  });

  it('refuses passwords longer than the stated maximum, and says the maximum', () => {
    const words = 'tangerine umbrella seventy harbour kettle ';
    const long = words.repeat(7).slice(0, PASSWORD_MAX);
    expect(problem(long)).toBeUndefined();
    expect(problem(`${long}x`)).toMatch(/at most 256 characters \(this one has 257\)/);
  });

  it.each([
    ['ten spaces', ' '.repeat(10)],
    ['twelve spaces', ' '.repeat(12)],
    ['tabs and newlines', '\t\t\t\n\n\n      '],
    ['ideographic spaces', '\u3000'.repeat(12)],
    ['no-break spaces', '\u00a0'.repeat(14)],
  ])('refuses whitespace only (%s)', (_label, password) => {
    expect(problem(password)).toMatch(/only spaces/);
  });

  it.each([
    ['the name', 'anastasia-kova', 'anastasia-kova'],
    ['the name in capitals', 'ANASTASIA-KOVA', 'anastasia-kova'],
    ['the name with digits', 'anastasia2024!', 'anastasia'],
    ['the name repeated', 'anaanaanaana', 'ana'],
    ['the name and a common password', 'ana-password-1', 'ana'],
    ['a common password and the name', 'letmein.ana.2024', 'ana'],
    ['the name in full-width letters', 'ａｎａｓｔａｓｉａ１２３', 'anastasia'],
  ])('refuses %s', (_label, password, name) => {
    expect(problem(password, name)).toMatch(/your user name/);
  });

  it('refuses the name of this service', () => {
    expect(problem('bulwark-2024-!')).toMatch(/name of this service/);
    expect(problem('BulwarkBulwark')).toMatch(/name of this service/);
  });

  it.each([
    'password1234',
    'Password123!',
    'P@ssw0rd2024!',
    'p a s s w o r d 1 2',
    '1q2w3e4r5t6y',
    'qwe123qwe123qwe',
    'iloveyou2024!!',
    '!!!sunshine!!!',
    'monkeymonkey',
    'football-football',
    'Dragon_1987_!',
    'L3tM31n!2345',
    'trustno1trustno1',
  ])('refuses the common (or common with digits and symbols) password %j', (password) => {
    expect(problem(password, 'ana')).toMatch(/list of common passwords/);
  });

  it.each([
    'aaaaaaaaaaaa',
    '111111111111111',
    'abcdefghijklmn',
    'zyxwvutsrqponm',
    '123456789012',
    '234567890123',
    'qwerty123456',
    'qwertyuiopasdf',
    'abcd1234wxyz',
    'aaaaaabbbbbb',
    'abababababab',
    'abcabcabcabc',
    '1212121212121212',
    'xyzxyzxyzxyzxyz',
    'qazwsxedcrfvtgb',
    '!@#$%^&*()!@',
  ])('refuses the repetitive or sequential %j', (password) => {
    expect(problem(password)).toMatch(/repeated or consecutive characters|only \d different characters/);
  });

  it('says what to do, in every refusal', () => {
    for (const p of ['short', ' '.repeat(20), 'password1234', 'aaaaaaaaaaaa', 'ana-ana-ana-ana']) {
      const message = problem(p, 'ana') ?? '';
      expect(message, p).toMatch(/choose|use|add/i);
      expect(message, p).not.toContain(p.trim() || '\u0000');
    }
  });

  it('returns the password as it will be hashed (NFKC)', () => {
    const r = checkPassword('ｔａｎｇｅｒｉｎｅ umbrella');
    expect(r.ok && r.value).toBe('tangerine umbrella');
  });
});
