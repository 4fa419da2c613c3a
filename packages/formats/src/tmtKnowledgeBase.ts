/**
 * The Microsoft Threat Modeling Tool's knowledge base (its template) as a Bulwark template. The
 * same structure appears embedded in a .tm7 (DataContract field names: Id, ParentId) and as a
 * .tb7 file (XmlSerializer names: ID, ParentElement); both are read here.
 */
import type { ElementKind, PropertyDef, Template, ThreatCategory, ThreatType } from '@bulwark/core';
import { child, children, textOf, type XmlNode } from './xml.js';

/** The manifest of a knowledge base: which template, which version. */
export interface TmtManifest {
  id: string;
  name: string;
  version: string;
  author: string;
}

/** How the tool draws a root type, and so what kind of element it is. */
const KIND_BY_REPRESENTATION: Record<string, { kind: ElementKind; shape?: 'box' | 'line' }> = {
  Ellipse: { kind: 'process' },
  ParallelLines: { kind: 'dataStore' },
  Rectangle: { kind: 'externalEntity' },
  Line: { kind: 'dataFlow' },
  LineBoundary: { kind: 'trustBoundary', shape: 'line' },
  BorderBoundary: { kind: 'trustBoundary', shape: 'box' },
  Annotation: { kind: 'annotation' },
};

/** A field that the two dialects name differently: the first present wins. */
function field(node: XmlNode, ...names: string[]): string {
  for (const name of names) {
    const c = child(node, name);
    if (c && !c.nil) return c.text;
  }
  return '';
}

/** The values listed under a node: `<string>` children (.tm7) or `<Value>` children (.tb7). */
function values(node: XmlNode | undefined): string[] {
  return children(node)
    .filter((c) => !c.nil && (c.name === 'string' || c.name === 'Value'))
    .map((c) => c.text);
}

/** Reads the manifest: child elements (.tm7) or attributes (.tb7). */
export function readManifest(kb: XmlNode): TmtManifest {
  const m = child(kb, 'Manifest');
  const get = (name: string): string => (m?.attrs?.[name.toLowerCase()] ?? textOf(m, name)).trim();
  return { id: get('Id'), name: get('Name'), version: get('Version'), author: get('Author') };
}

function property(attr: XmlNode): PropertyDef | undefined {
  const key = field(attr, 'Name').trim() || field(attr, 'Id').trim();
  if (key === '') return undefined;
  const name = field(attr, 'DisplayName').trim() || key;
  const options = values(child(attr, 'AttributeValues'));
  const isStatic = field(attr, 'Mode') === 'Static';
  if (options.length === 0) return { id: key, name, type: 'text', default: '' };
  return {
    id: key,
    name,
    type: 'list',
    values: options,
    ...(isStatic ? { description: 'Fixed by the stencil type (a static attribute in the Microsoft tool).' } : {}),
  };
}

function elementType(node: XmlNode): Template['elementTypes'][number] {
  const id = field(node, 'Id', 'ID').trim();
  const parentId = field(node, 'ParentId', 'ParentElement').trim();
  const representation = field(node, 'Representation').trim();
  const properties = children(child(node, 'Attributes'), 'Attribute')
    .map(property)
    .filter((p): p is PropertyDef => p !== undefined);
  const isRoot = parentId === '' || parentId === 'ROOT';
  const rootKind = isRoot ? KIND_BY_REPRESENTATION[representation] : undefined;
  const description = field(node, 'Description').trim();
  return {
    id,
    name: field(node, 'Name').trim() || id,
    ...(isRoot ? {} : { parent: parentId }),
    ...(description ? { description } : {}),
    ...(field(node, 'Hidden') === 'true' ? { hidden: true } : {}),
    ...(rootKind && !/^GE\./.test(id)
      ? { kind: rootKind.kind, ...(rootKind.shape ? { shape: rootKind.shape } : {}) }
      : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
}

function threatType(node: XmlNode, categories: Map<string, ThreatCategory>): ThreatType | undefined {
  const id = field(node, 'Id').trim();
  const filters = child(node, 'GenerationFilters');
  const include = textOf(filters, 'Include').trim();
  if (id === '' || include === '') return undefined;
  const exclude = textOf(filters, 'Exclude').trim();
  const category = field(node, 'Category').trim();
  if (!categories.has(category)) categories.set(category, { id: category, name: category || 'Uncategorised' });
  const meta = children(child(node, 'PropertiesMetaData'), 'ThreatMetaDatum');
  const priority = values(
    child(
      meta.find((m) => textOf(m, 'Name') === 'Priority'),
      'Values',
    ),
  ).find((v) => v.trim() !== '');
  return {
    id,
    title: field(node, 'ShortTitle') || id,
    category,
    include,
    ...(exclude ? { exclude } : {}),
    description: field(node, 'Description'),
    priority: priority ?? 'High',
  };
}

/** Converts a knowledge base (the `<KnowledgeBase>` element) into a Bulwark template. */
export function knowledgeBaseToTemplate(kb: XmlNode): Template {
  const manifest = readManifest(kb);
  const categories = new Map<string, ThreatCategory>();
  for (const c of children(child(kb, 'ThreatCategories'), 'ThreatCategory')) {
    const id = field(c, 'Id', 'ID').trim();
    const description = (field(c, 'ShortDescription') || field(c, 'LongDescription')).trim();
    categories.set(id, { id, name: field(c, 'Name').trim() || id, ...(description ? { description } : {}) });
  }
  const nodes = [
    ...children(child(kb, 'GenericElements'), 'ElementType'),
    ...children(child(kb, 'StandardElements'), 'ElementType'),
  ];
  const elementTypes = nodes.map(elementType);
  // Some knowledge bases name parents they no longer define; the tool then ends the type chain
  // there. Keep that chain by adding the missing parent as a root of the kind its child is drawn as.
  const known = new Set(elementTypes.map((t) => t.id));
  nodes.forEach((node, i) => {
    const parent = elementTypes[i]?.parent;
    if (parent === undefined || known.has(parent)) return;
    known.add(parent);
    const drawn = KIND_BY_REPRESENTATION[field(node, 'Representation').trim()];
    elementTypes.push({
      id: parent,
      name: `Missing parent type ${parent}`,
      hidden: true,
      kind: drawn?.kind ?? 'process',
      ...(drawn?.shape ? { shape: drawn.shape } : {}),
      description: 'The knowledge base names this type as a parent but does not define it.',
    });
  });
  const threatTypes = children(child(kb, 'ThreatTypes'), 'ThreatType')
    .map((t) => threatType(t, categories))
    .filter((t): t is ThreatType => t !== undefined);
  const priorityMeta = children(child(child(kb, 'ThreatMetaData'), 'PropertiesMetaData'), 'ThreatMetaDatum').find(
    (m) => textOf(m, 'Name') === 'Priority',
  );
  const priorities = values(child(priorityMeta, 'Values')).filter((v) => v.trim() !== '');
  return {
    schemaVersion: 1,
    id: manifest.id || manifest.name || 'tmt-knowledge-base',
    name: manifest.name || 'Microsoft Threat Modeling Tool knowledge base',
    version: manifest.version || '0',
    ...(manifest.author ? { author: manifest.author } : {}),
    description: `Imported from the Microsoft Threat Modeling Tool (${manifest.name} ${manifest.version}).`,
    ...(priorities.length > 0 ? { priorities } : {}),
    categories: [...categories.values()],
    elementTypes,
    threatTypes,
  };
}
