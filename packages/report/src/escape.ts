/**
 * Escaping for markup. Every string that comes from a model (names, descriptions,
 * justifications, property values, template texts) goes through one of these before it is
 * placed in HTML or SVG; nothing in this package builds markup from user data any other way.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for an HTML/SVG element's content or a quoted attribute value. */
export function escapeMarkup(text: string): string {
  // Most text needs nothing done: one test, and it comes back as it is (a large report escapes
  // hundreds of thousands of strings).
  if (!NEEDS_WORK.test(text)) return text;
  // Characters XML does not allow at all (control characters other than tab and line breaks) are
  // dropped, so an SVG with them still parses.
  const clean = text.replace(FORBIDDEN, '');
  return clean.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is removed
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the same characters, and the markup ones
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
