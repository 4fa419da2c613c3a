/**
 * Safe XML reading for the formats: a namespace-aware tree built from saxes events. DTDs are
 * refused (never expanded), non-XML inputs (ZIP archives, YAML) get a clear error, and every
 * error names the line and column where the input broke.
 */
import { type BulwarkError, bulwarkError, err, ok, type Result } from '@bulwark/core';
import { SaxesParser, type SaxesTag } from 'saxes';

/** An element: namespace URI, local name, attributes by local name, text, children. */
export interface XmlNode {
  ns: string;
  name: string;
  /** Attributes other than namespace declarations and xsi:type / xsi:nil, by local name. */
  attrs?: Record<string, string>;
  /** The xsi:type, with its prefix resolved to a namespace URI. */
  type?: { ns: string; name: string };
  /** True when xsi:nil="true". */
  nil?: boolean;
  /** The text directly inside the element (entities decoded). */
  text: string;
  children: XmlNode[];
  line: number;
}

/** The XML Schema instance namespace (`i:type`, `i:nil`). */
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** Why a byte sequence is not XML, when it is recognisably something else. */
function notXml(text: string): string | undefined {
  const head = text.slice(0, 8);
  if (head.startsWith('PK\u0003\u0004') || head.startsWith('PK')) return 'it is a ZIP archive, not XML';
  if (head.startsWith('%PDF')) return 'it is a PDF, not XML';
  const first = text.trimStart()[0];
  if (first === undefined) return 'it is empty';
  if (first !== '<')
    return `it does not start with "<" (it starts with ${JSON.stringify(text.trimStart().slice(0, 20))}), so it is not XML`;
  return undefined;
}

/** Leaves share one empty child list (a large file has millions of them); it is never mutated. */
const NO_CHILDREN: XmlNode[] = [];

class XmlAbort extends Error {
  constructor(readonly error: BulwarkError) {
    super(error.message);
  }
}

/**
 * For large files: elements the caller wants one at a time. `capture(node, parent)` is asked at
 * each opening tag; a captured element is built as a subtree, handed to `onCaptured` when it
 * closes, and then dropped instead of being kept in the tree, so memory stays flat however many
 * of them the file holds.
 */
export interface XmlCapture {
  capture: (node: XmlNode, parent: XmlNode | undefined) => boolean;
  onCaptured: (node: XmlNode, parent: XmlNode | undefined) => void;
}

/** Parses XML text into a tree, or says where and why it cannot. */
export function parseXml(input: string, file: string, what = 'file', streaming?: XmlCapture): Result<XmlNode> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const problem = notXml(text);
  if (problem) return err(bulwarkError('PARSE_SYNTAX', `Not a valid ${what}: ${problem}.`, { file }));
  // Namespaces are resolved here rather than by saxes' namespace mode: .tm7 files declare
  // namespaces on nearly every element, and doing only what is needed is much faster.
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlNode[] = [];
  // Namespace declarations in scope, as a flat [prefix, uri, prefix, uri, ...] stack (the
  // innermost last), and how many each open element added.
  const decls: string[] = ['xml', 'http://www.w3.org/XML/1998/namespace'];
  const declared: number[] = [];
  const resolve = (prefix: string): string | undefined => {
    for (let i = decls.length - 2; i >= 0; i -= 2) if (decls[i] === prefix) return decls[i + 1];
    return undefined;
  };
  let root: XmlNode | undefined;
  const fail = (message: string): never => {
    throw new XmlAbort(bulwarkError('PARSE_SYNTAX', message, { file, line: parser.line, column: parser.column }));
  };
  parser.on('doctype', () =>
    fail(
      `Not a valid ${what}: it declares a DTD (<!DOCTYPE>), which Bulwark refuses so that entities are never expanded.`,
    ),
  );
  // For each open element: is it captured (kept out of its parent)? And how many are open.
  const captured: boolean[] = [];
  let capturedOpen = 0;
  parser.on('opentag', (tag: SaxesTag) => {
    const attributes = tag.attributes as Record<string, string>;
    const keys = Object.keys(attributes);
    let added = 0;
    for (const key of keys) {
      if (key.startsWith('xmlns') && (key.length === 5 || key[5] === ':')) {
        decls.push(key === 'xmlns' ? '' : key.slice(6), attributes[key] as string);
        added++;
      }
    }
    declared.push(added);
    const colon = tag.name.indexOf(':');
    const prefix = colon < 0 ? '' : tag.name.slice(0, colon);
    const ns = resolve(prefix);
    if (ns === undefined && prefix !== '') fail(`Unknown namespace prefix "${prefix}" on <${tag.name}>.`);
    const node: XmlNode = {
      ns: ns ?? '',
      name: colon < 0 ? tag.name : tag.name.slice(colon + 1),
      text: '',
      children: NO_CHILDREN,
      line: parser.line,
    };
    for (const key of keys) {
      if (key.startsWith('xmlns') && (key.length === 5 || key[5] === ':')) continue;
      const value = attributes[key] as string;
      const c = key.indexOf(':');
      const local = c < 0 ? key : key.slice(c + 1);
      if (c > 0 && (local === 'type' || local === 'nil') && resolve(key.slice(0, c)) === XSI) {
        if (local === 'nil') node.nil = value === 'true';
        else {
          const vc = value.indexOf(':');
          const vp = vc < 0 ? '' : value.slice(0, vc);
          const vns = resolve(vp);
          if (vns === undefined && vp !== '') fail(`Unknown namespace prefix "${vp}" in i:type="${value}".`);
          node.type = { ns: vns ?? '', name: vc < 0 ? value : value.slice(vc + 1) };
        }
      } else {
        if (!node.attrs) node.attrs = {};
        node.attrs[local] = value;
      }
    }
    const parent = stack[stack.length - 1];
    const isCaptured = streaming !== undefined && capturedOpen === 0 && streaming.capture(node, parent);
    if (isCaptured) capturedOpen++;
    if (!isCaptured) {
      if (!parent) root = node;
      else if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
    }
    stack.push(node);
    captured.push(isCaptured);
  });
  parser.on('text', (t) => {
    const node = stack[stack.length - 1];
    if (node) node.text += t;
  });
  parser.on('cdata', (t) => {
    const node = stack[stack.length - 1];
    if (node) node.text += t;
  });
  parser.on('closetag', () => {
    decls.length -= 2 * (declared.pop() ?? 0);
    const node = stack.pop();
    const wasCaptured = captured.pop();
    // Whitespace between child elements is layout, not content.
    if (node && node.children.length > 0 && node.text !== '' && node.text.trim() === '') node.text = '';
    if (node && wasCaptured) {
      capturedOpen--;
      streaming?.onCaptured(node, stack[stack.length - 1]);
    }
  });
  parser.on('error', (e) => fail(`Not a valid ${what}: ${e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')}.`));
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof XmlAbort) return err(e.error);
    throw e;
  }
  if (!root) return err(bulwarkError('PARSE_SYNTAX', `Not a valid ${what}: no root element.`, { file }));
  return ok(root);
}

/** The first child with this local name (and namespace, if given). */
export function child(node: XmlNode | undefined, name: string, ns?: string): XmlNode | undefined {
  if (!node) return undefined;
  for (const c of node.children) if (c.name === name && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}

/** Every child with this local name. */
export function children(node: XmlNode | undefined, name?: string): XmlNode[] {
  if (!node) return [];
  return name === undefined ? node.children : node.children.filter((c) => c.name === name);
}

/** The text of the first child with this name ('' when absent or nil). */
export function textOf(node: XmlNode | undefined, name: string): string {
  const c = child(node, name);
  return c && !c.nil ? c.text : '';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters XML 1.0 cannot hold, even escaped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

/**
 * Escapes text for XML content or attribute values: markup characters and quotes as entities,
 * carriage returns as `&#xD;` (as the tool writes them, so they survive parsing), and the
 * control characters XML 1.0 cannot hold at all dropped.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

/** `<name attrs>content</name>`, or `<name attrs/>` when empty. The content is markup (not escaped). */
export function xmlElement(name: string, content = '', attrs = ''): string {
  const open = attrs === '' ? name : `${name} ${attrs}`;
  return content === '' ? `<${open}/>` : `<${open}>${content}</${name}>`;
}

/** An element holding text, escaped. */
export function xmlText(name: string, text: string, attrs = ''): string {
  return xmlElement(name, escapeXml(text), attrs);
}

/** An element with `i:nil="true"`. */
export function xmlNil(name: string, attrs = ''): string {
  return `<${name} i:nil="true"${attrs === '' ? '' : ` ${attrs}`}/>`;
}
