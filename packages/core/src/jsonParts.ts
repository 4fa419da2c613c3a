/**
 * A JSON document with one long array, written in pieces: exactly the text of
 * `JSON.stringify(value, null, 2)` (plus a final newline), but with the array's items made and
 * stringified one at a time, so that a document with hundreds of thousands of items (threats,
 * SARIF results) is never held as one string. Callers write the pieces as they come.
 */

/** What stands for the array in `value` until its items are written. */
export const JSON_ITEMS: unique symbol = Symbol('jsonItems');

const MARK = '\u0000bulwark:json-items\u0000';

/**
 * The pieces of `JSON.stringify(value, null, 2) + '\n'` where the one property of `value` whose
 * value is `JSON_ITEMS` holds `items` (each passed through `toJson`). The property may be at any
 * depth of plain objects and arrays.
 */
export function* jsonParts<T>(
  value: unknown,
  items: Iterable<T>,
  toJson: (item: T) => unknown = (item) => item,
): Generator<string, void, undefined> {
  // JSON.stringify puts a line break only between tokens, never inside a string; the mark is a
  // string no model text serialises to at the array's place with a key before it, so the first
  // `"key": "<mark>"` is the array's. If it ever is not unique, write the document whole.
  const whole = `${JSON.stringify(value, (_k, v) => (v === JSON_ITEMS ? MARK : v), 2)}\n`;
  const marked = JSON.stringify(MARK);
  const at = whole.indexOf(marked);
  if (at < 0) throw new Error('jsonParts: the value holds no JSON_ITEMS');
  if (whole.indexOf(marked, at + 1) >= 0) {
    yield `${JSON.stringify(replaceItems(value, [...items].map(toJson)), null, 2)}\n`;
    return;
  }
  const lineStart = whole.lastIndexOf('\n', at) + 1;
  const indent = whole.slice(lineStart, whole.slice(lineStart).search(/\S/) + lineStart);
  const itemIndent = `\n${indent}  `;
  const head = whole.slice(0, at);
  const tail = whole.slice(at + marked.length);
  let first = true;
  for (const item of items) {
    const text = JSON.stringify(toJson(item), null, 2);
    if (text === undefined) throw new Error('jsonParts: an item has no JSON form');
    if (first) yield `${head}[`;
    yield `${first ? '' : ','}${itemIndent}${text.replace(/\n/g, itemIndent)}`;
    first = false;
  }
  yield first ? `${head}[]${tail}` : `\n${indent}]${tail}`;
}

/** `value` with JSON_ITEMS replaced by `list` (the fallback above). */
function replaceItems(value: unknown, list: unknown[]): unknown {
  if (value === JSON_ITEMS) return list;
  if (Array.isArray(value)) return value.map((v) => replaceItems(v, list));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceItems(v, list)]));
  return value;
}
