/**
 * Version 5 UUIDs (RFC 9562): the same name in the same namespace always gives the same UUID, so a
 * file written with them is the same each time. Pure (no crypto module), for the formats that need
 * UUIDs where Bulwark has other ids (Threat Dragon 1).
 */

/** The UTF-8 bytes of a text. */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return bytes;
}

/** SHA-1 of some bytes (for version 5 UUIDs only; not for security). */
function sha1(message: number[]): number[] {
  const bytes = [...message, 0x80];
  while (bytes.length % 64 !== 56) bytes.push(0);
  const bits = message.length * 8;
  for (let i = 7; i >= 0; i--) bytes.push(i >= 4 ? Math.floor(bits / 2 ** (8 * i)) & 255 : (bits >>> (8 * i)) & 255);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  for (let at = 0; at < bytes.length; at += 64) {
    const w: number[] = [];
    for (let i = 0; i < 80; i++)
      w[i] =
        i < 16
          ? ((bytes[at + 4 * i] ?? 0) << 24) |
            ((bytes[at + 4 * i + 1] ?? 0) << 16) |
            ((bytes[at + 4 * i + 2] ?? 0) << 8) |
            (bytes[at + 4 * i + 3] ?? 0)
          : rotl((w[i - 3] ?? 0) ^ (w[i - 8] ?? 0) ^ (w[i - 14] ?? 0) ^ (w[i - 16] ?? 0), 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20
          ? [(b & c) | (~b & d), 0x5a827999]
          : i < 40
            ? [b ^ c ^ d, 0x6ed9eba1]
            : i < 60
              ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc]
              : [b ^ c ^ d, 0xca62c1d6];
      const t = (rotl(a, 5) + f + e + k + (w[i] ?? 0)) | 0;
      [e, d, c, b, a] = [d, c, rotl(b, 30), a, t];
    }
    for (const [i, v] of [a, b, c, d, e].entries()) h[i] = ((h[i] ?? 0) + v) | 0;
  }
  return h.flatMap((v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

/** The version 5 UUID (RFC 9562) of a name in a namespace: the same name always gives the same UUID. */
export function uuidV5(name: string, namespace: string): string {
  const ns = namespace
    .replace(/-/g, '')
    .match(/../g)
    ?.map((hex) => Number.parseInt(hex, 16));
  const hash = sha1([...(ns ?? []), ...utf8(name)]).slice(0, 16);
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
