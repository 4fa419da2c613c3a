/**
 * What a password must be, after NIST SP 800-63B (5.1.1.2): long enough (12 characters, counted
 * as Unicode code points after NFKC) and not too long (256), not only spaces, and not one an
 * attacker tries first: the user's own name or this service's, a run of repeated or consecutive
 * characters, or a common password (the list @zxcvbn-ts/language-common ships: about 49,000 from
 * breach corpora), also with digits, symbols or separators around it, letters swapped for
 * look-alike digits, or repeated. No composition rules (a digit, a capital, a symbol): the
 * standard advises against them.
 */
import { bulwarkError, type Result } from '@bulwark/core';
import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './auth.js';

/** The fewest characters (code points after NFKC) a password may have. */
export const PASSWORD_MIN = 12;
/** The most characters a password may have. */
export const PASSWORD_MAX = 256;

const ADVICE = 'A few unrelated words make a long password that is easy to remember.';

let common: Set<string> | undefined;
/** The common passwords, lower case (built on first use). */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common']);
  return common;
}

/** Whitespace and the separators people put between words. */
const SEPARATORS = /[\s\-_.,]+/gu;
/** Anything but a letter, at either end: the padding people add to meet a rule. */
const PADDING = /^[^\p{L}]+|[^\p{L}]+$/gu;
/** Digits and symbols read as letters. Two tables, as 1 stands for both i and l. */
const READ_AS_I: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};
const LOOK_ALIKES: Record<string, string>[] = [READ_AS_I, { ...READ_AS_I, '1': 'l', '!': 'l' }];

const swap = (s: string, table: Record<string, string>): string => [...s].map((c) => table[c] ?? c).join('');

/**
 * The words a password may stand for, lower case: as typed, without separators, without
 * padding at the ends, with look-alike digits and symbols read as letters (before and after the
 * padding is taken off: "p@ssw0rd2024!" is "password").
 */
function readings(lower: string): Set<string> {
  const out = new Set<string>();
  for (const base of [lower, lower.replace(SEPARATORS, '')]) {
    const bare = base.replace(PADDING, '');
    out.add(base).add(bare);
    for (const table of LOOK_ALIKES) out.add(swap(bare, table)).add(swap(base, table).replace(PADDING, ''));
  }
  out.delete('');
  return out;
}

/** The shortest unit the text repeats (the text itself when it repeats none). */
function period(text: string): string {
  const chars = [...text];
  for (let n = 1; n <= chars.length / 2; n++) {
    if (chars.every((c, i) => c === chars[i % n])) return chars.slice(0, n).join('');
  }
  return text;
}

/** Is `reading` the word, the word repeated (with its padding), or the word next to a common password? */
function standsFor(reading: string, word: string): boolean {
  if (word === '') return false;
  if (reading === word || period(reading).replace(PADDING, '') === word) return true;
  const list = commonPasswords();
  if (reading.startsWith(word) && list.has(reading.slice(word.length).replace(PADDING, ''))) return true;
  return reading.endsWith(word) && list.has(reading.slice(0, -word.length).replace(PADDING, ''));
}

/** Sequences people type: the alphabet, the digits, keyboard rows and columns, shifted digits. */
const SEQUENCES = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '!@#$%^&*()',
];

/** How one character leads to the next: the same again, or a step along a sequence. */
function steps(a: string, b: string): Set<string> {
  const out = new Set<string>();
  if (a === b) out.add('same');
  SEQUENCES.forEach((seq, k) => {
    const n = seq.length;
    for (let i = seq.indexOf(a); i >= 0; i = seq.indexOf(a, i + 1)) {
      if (seq[(i + 1) % n] === b) out.add(`${k}+`);
      if (seq[(i + n - 1) % n] === b) out.add(`${k}-`);
    }
  });
  return out;
}

/** How many runs of repeated or consecutive characters the text is made of ("abcd1234" is 2). */
function runs(text: string): number {
  const chars = [...text];
  let count = chars.length > 0 ? 1 : 0;
  let current = new Set<string>();
  for (let i = 1; i < chars.length; i++) {
    const step = steps(chars[i - 1] as string, chars[i] as string);
    const still = current.size === 0 ? step : new Set([...current].filter((s) => step.has(s)));
    if (still.size > 0) current = still;
    else {
      count++;
      current = new Set();
    }
  }
  return count;
}

/** What is wrong with a text of repeated or consecutive characters, if it is one. */
function repetitive(text: string): string | undefined {
  const length = [...text].length;
  if (length === 0) return undefined;
  const distinct = new Set(text).size;
  if (distinct < 4) return `uses only ${distinct} different characters`;
  if ([...period(text)].length < 6 || length / runs(text) >= 4)
    return 'is a run of repeated or consecutive characters (like "aaaa", "abcabc", "1234" or "qwerty")';
  return undefined;
}

/**
 * Checks a password against the policy; `userName` is the account's name. The value is the
 * password as it is hashed (NFKC); the error says what is wrong and what to do, and never
 * repeats the password.
 */
export function checkPassword(password: string, userName?: string): Result<string> {
  const refuse = (message: string): Result<string> => ({ ok: false, error: bulwarkError('USAGE', message) });
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (normalized.trim() === '')
    return refuse(`A password cannot be only spaces: choose one of at least ${PASSWORD_MIN} characters. ${ADVICE}`);
  if (length < PASSWORD_MIN)
    return refuse(
      `A password needs at least ${PASSWORD_MIN} characters (this one has ${length}): use a longer one. ${ADVICE}`,
    );
  if (length > PASSWORD_MAX)
    return refuse(
      `A password can have at most ${PASSWORD_MAX} characters (this one has ${length}): choose a shorter one.`,
    );
  const lower = normalized.toLowerCase();
  const seen = readings(lower);
  const name = normalizePassword(userName ?? '')
    .toLowerCase()
    .replace(SEPARATORS, '');
  if ([...seen].some((r) => standsFor(r, name)))
    return refuse(
      `A password cannot be your user name, or it with a common password, digits or symbols: choose another. ${ADVICE}`,
    );
  if ([...seen].some((r) => standsFor(r, 'bulwark')))
    return refuse(
      `A password cannot be the name of this service (Bulwark), or it with digits or symbols: choose another. ${ADVICE}`,
    );
  for (const text of [lower, lower.replace(SEPARATORS, '')]) {
    const why = repetitive(text);
    if (why) return refuse(`This password ${why}, which is guessed at once: choose another. ${ADVICE}`);
  }
  const list = commonPasswords();
  if ([...seen].some((r) => list.has(r) || list.has(period(r))))
    return refuse(
      `This password is on a list of common passwords (or is one with digits, symbols or look-alike characters added), the first an attacker tries: choose another. ${ADVICE}`,
    );
  return { ok: true, value: normalized };
}

/** A password the policy refused, thrown where one is set (UserStore); `error` says why. */
export class PasswordRefused extends Error {
  constructor(readonly error: ReturnType<typeof bulwarkError>) {
    super(error.message);
    this.name = 'PasswordRefused';
  }
}
