/**
 * The Microsoft Threat Modeling Tool's knowledge base (its template) as a Bulwark template. The
 * same structure appears embedded in a .tm7 (DataContract field names: Id, ParentId) and as a
 * .tb7 file (XmlSerializer names: ID, ParentElement); both are read here, and the .tm7 dialect
 * is written here too (with the small XML writing helpers the .tm7 writer shares).
 */
import {
  type ElementKind,
  type ElementType,
  GENERIC_TYPES,
  type PropertyDef,
  type Template,
  type ThreatCategory,
  type ThreatType,
} from '@bulwark/core';
import { child, children, textOf, type XmlNode, xmlElement, xmlNil, xmlText } from './xml.js';

/** The manifest of a knowledge base: which template, which version. */
export interface TmtManifest {
  id: string;
  name: string;
  version: string;
  author: string;
}

/** The description that marks a property as static (fixed per stencil type) in the tool. */
export const STATIC_PROPERTY_NOTE = 'Fixed by the stencil type (a static attribute in the Microsoft tool).';
/** The description of a type added because the knowledge base names it as a parent without defining it. */
export const MISSING_PARENT_NOTE = 'The knowledge base names this type as a parent but does not define it.';

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
    ...(isStatic ? { description: STATIC_PROPERTY_NOTE } : {}),
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
      description: MISSING_PARENT_NOTE,
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

// ---- Writing: the .tm7 (DataContract) dialect ------------------------------------------------

/** Namespaces of the DataContract serializer, as the tool writes them. */
export const NS = {
  model: 'http://schemas.datacontract.org/2004/07/ThreatModeling.Model',
  abstracts: 'http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts',
  knowledgeBase: 'http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase',
  arrays: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
  serialization: 'http://schemas.microsoft.com/2003/10/Serialization/',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  interfaces: 'http://schemas.datacontract.org/2004/07/ThreatModeling.Interfaces',
  externalStorage: 'http://schemas.datacontract.org/2004/07/ThreatModeling.ExternalStorage.OM',
} as const;

/** The ids the tool gives its standard threat properties. */
export const THREAT_FIELD_IDS = {
  Title: 'ac0f9ea8-3b39-4ce9-bac2-6787124d7b48',
  UserThreatShortDescription: '5d3b996b-aed5-4d95-8cf6-617bb67bf042',
  UserThreatDescription: 'cf377f97-9dea-42d6-ae63-b097c4a8ec4d',
  StateInformation: '0406a684-e06e-4643-ba21-0f63104d9131',
  InteractionString: 'd64f8926-f09d-4d67-a86f-fb4ad5036451',
  PossibleMitigations: '22222222-2222-2222-2222-222222222222',
  Priority: 'bc9c6e2a-15d0-4863-9cac-589e51e4ca1e',
} as const;

/** The priorities a template without its own list uses. */
export const DEFAULT_PRIORITIES = ['High', 'Medium', 'Low'];

/** How the tool draws each kind of root type. */
function representationOf(kind: ElementKind | undefined, shape: 'box' | 'line' | undefined): string {
  if (kind === 'trustBoundary') return shape === 'line' ? 'LineBoundary' : 'BorderBoundary';
  const byKind: Record<ElementKind, string> = {
    process: 'Ellipse',
    dataStore: 'ParallelLines',
    externalEntity: 'Rectangle',
    dataFlow: 'Line',
    trustBoundary: 'BorderBoundary',
    annotation: 'Annotation',
  };
  return kind ? byKind[kind] : 'Ellipse';
}

/** The kind and shape a root type stands for: its own, or that of the generic type it is. */
function rootKind(t: ElementType): { kind?: ElementKind; shape?: 'box' | 'line' } {
  const generic = GENERIC_TYPES[t.id as keyof typeof GENERIC_TYPES];
  return { kind: t.kind ?? generic?.kind, shape: t.shape ?? (t.id === 'GE.TB.L' ? 'line' : undefined) };
}

/** Was this type added on import only because a child named it as its parent? */
function isMissingParent(t: ElementType): boolean {
  return t.parent === undefined && t.hidden === true && t.description === MISSING_PARENT_NOTE;
}

/** A threat property's metadata (`ThreatMetaDatum`); `values` undefined writes a nil list. */
function threatDatum(name: string, label: string, values: string[] | undefined, type: 0 | 1 | 2, hide = false): string {
  const id = THREAT_FIELD_IDS[name as keyof typeof THREAT_FIELD_IDS];
  const arrays = `xmlns:b="${NS.arrays}"`;
  return xmlElement(
    'ThreatMetaDatum',
    [
      xmlText('Name', name),
      xmlText('Label', label),
      xmlText('HideFromUI', String(hide)),
      values === undefined
        ? xmlNil('Values', arrays)
        : xmlElement('Values', values.map((v) => xmlText('b:string', v)).join(''), arrays),
      id === undefined ? xmlNil('Id') : xmlText('Id', id),
      xmlText('AttributeType', String(type)),
    ].join(''),
  );
}

/** A property as the tool's attribute holds it: its options (booleans as True/False) and mode. */
export function attributeOf(p: PropertyDef): { values: string[]; mode: 'Static' | 'Dynamic' } {
  const values = p.type === 'boolean' ? (p.default === true ? ['True', 'False'] : ['False', 'True']) : (p.values ?? []);
  return { values, mode: p.description === STATIC_PROPERTY_NOTE ? 'Static' : 'Dynamic' };
}

function attributeXml(p: PropertyDef): string {
  const { values, mode } = attributeOf(p);
  return xmlElement(
    'a:Attribute',
    [
      xmlText('a:IsExtension', 'false'),
      xmlElement('a:AttributeValues', values.map((v) => xmlText('b:Value', v)).join(''), `xmlns:b="${NS.interfaces}"`),
      xmlText('a:DisplayName', p.name),
      xmlText('a:Inheritance', 'Virtual'),
      xmlText('a:Mode', mode),
      xmlText('a:Name', p.id),
      xmlText('a:Type', 'List'),
    ].join(''),
  );
}

/**
 * How the tool draws a type: a root type as its kind, a derived one `Inherited`; a type whose
 * parent was made up on import is drawn as that parent's kind, as it was read.
 */
export function representationFor(t: ElementType, missing: ReadonlyMap<string, ElementType>): string {
  const parent = t.parent === undefined ? undefined : missing.get(t.parent);
  const drawnAs = t.parent === undefined ? rootKind(t) : parent ? rootKind(parent) : undefined;
  return drawnAs ? representationOf(drawnAs.kind, drawnAs.shape) : 'Inherited';
}

/**
 * A template's types as a knowledge base lists them: root types first (GenericElements), derived
 * types after (StandardElements), in the template's order; types the reader made up for parents
 * a knowledge base names but lacks are left out (reading makes them up again).
 */
export function knowledgeBaseTypes(template: Template): {
  generic: ElementType[];
  standard: ElementType[];
  missing: ReadonlyMap<string, ElementType>;
} {
  const missing = new Map(template.elementTypes.filter(isMissingParent).map((t) => [t.id, t]));
  const types = template.elementTypes.filter((t) => !missing.has(t.id));
  const firstDerived = types.findIndex((t) => t.parent !== undefined);
  const split = firstDerived < 0 ? types.length : firstDerived;
  return { generic: types.slice(0, split), standard: types.slice(split), missing };
}

/** An element type in the .tm7 dialect. */
function elementTypeXml(t: ElementType, missing: ReadonlyMap<string, ElementType>): string {
  return xmlElement(
    'a:ElementType',
    [
      xmlText('a:IsExtension', 'false'),
      xmlElement('a:Attributes', (t.properties ?? []).map(attributeXml).join('')),
      xmlElement('a:AvailableToBaseModels', '', `xmlns:b="${NS.externalStorage}"`),
      xmlNil('a:Behavior'),
      xmlText('a:Description', t.description ?? ''),
      xmlText('a:Hidden', String(t.hidden === true)),
      xmlText('a:Id', t.id),
      xmlElement('a:ImageLocation'),
      xmlNil('a:ImageSource'),
      xmlNil('a:ImageStream'),
      xmlText('a:Name', t.name),
      xmlText('a:ParentId', t.parent ?? 'ROOT'),
      xmlText('a:Representation', representationFor(t, missing)),
      xmlNil('a:Shape'),
    ].join(''),
  );
}

function categoryXml(c: ThreatCategory): string {
  return xmlElement(
    'a:ThreatCategory',
    [
      xmlText('a:IsExtension', 'false'),
      xmlText('a:Id', c.id),
      xmlElement('a:LongDescription'),
      xmlText('a:Name', c.name),
      xmlText('a:ShortDescription', c.description ?? ''),
    ].join(''),
  );
}

function threatTypeXml(t: ThreatType, categories: ReadonlyMap<string, ThreatCategory>): string {
  const short = categories.get(t.category)?.description ?? '';
  return xmlElement(
    'a:ThreatType',
    [
      xmlText('a:IsExtension', 'false'),
      xmlText('a:Category', t.category),
      xmlText('a:Description', t.description),
      xmlElement('a:GenerationFilters', xmlText('a:Exclude', t.exclude ?? '') + xmlText('a:Include', t.include)),
      xmlText('a:Id', t.id),
      xmlElement(
        'a:PropertiesMetaData',
        threatDatum('UserThreatShortDescription', 'Short Description', [short], 1, true) +
          threatDatum('UserThreatDescription', 'Description', [t.description], 0) +
          threatDatum('Priority', 'Priority', [t.priority], 1),
      ),
      xmlNil('a:RelatedCategory'),
      xmlText('a:ShortTitle', t.title),
    ].join(''),
  );
}

function threatMetaDataXml(template: Template): string {
  const shortDescriptions = template.categories.map((c) => c.description ?? '');
  const fields = [
    threatDatum('Title', 'Title', [''], 0),
    threatDatum('UserThreatCategory', 'Category', undefined, 0),
    threatDatum('UserThreatShortDescription', 'Short Description', shortDescriptions, 1, true),
    threatDatum('UserThreatDescription', 'Description', [''], 0),
    threatDatum('StateInformation', 'Justification', [''], 0),
    threatDatum('InteractionString', 'Interaction', undefined, 0),
    threatDatum('PossibleMitigations', 'Possible Mitigation(s)', [''], 2),
    threatDatum('Priority', 'Priority', template.priorities ?? DEFAULT_PRIORITIES, 1),
  ];
  return xmlElement(
    'a:ThreatMetaData',
    xmlText('IsPriorityUsed', 'true') +
      xmlText('IsStatusUsed', 'true') +
      xmlElement('PropertiesMetaData', fields.join('')),
  );
}

function manifestXml(template: Template): string {
  return xmlElement(
    'a:Manifest',
    xmlText('a:Author', template.author ?? '') +
      xmlText('a:Id', template.id) +
      xmlText('a:Name', template.name) +
      xmlText('a:Version', template.version),
  );
}

/**
 * Writes a template as the `<KnowledgeBase>` a .tm7 embeds (DataContract field names and order
 * as the tool writes them). Root types come first (GenericElements, `ParentId` ROOT, drawn as
 * their kind), derived types after (StandardElements, drawn `Inherited`); the order of the
 * template's types is kept, so reading the result back gives the same template. Types the
 * reader made up for parents a knowledge base names but lacks are left out (reading makes them
 * up again). A .tm7 cannot hold everything a Bulwark template can: element-scoped threat types
 * are left out (the tool's rules only see interactions); boolean properties become True/False
 * lists; property defaults other than a list's order, help texts, `details`, threat mitigations,
 * references and examples are not written.
 *
 * The result uses the `i:` prefix of the enclosing .tm7 root. `serial` is the `z:Id` the
 * serializer numbers it with (one more than the model's last stencil).
 */
export function templateToKnowledgeBase(template: Template, serial = 1): string {
  const { generic, standard, missing } = knowledgeBaseTypes(template);
  const typeXml = (list: ElementType[]): string => list.map((t) => elementTypeXml(t, missing)).join('');
  const categories = new Map(template.categories.map((c) => [c.id, c]));
  const threatTypes = template.threatTypes.filter((t) => t.scope !== 'element');
  return xmlElement(
    'KnowledgeBase',
    [
      xmlElement('a:GenericElements', typeXml(generic)),
      manifestXml(template),
      xmlElement('a:StandardElements', typeXml(standard)),
      xmlElement('a:ThreatCategories', template.categories.map(categoryXml).join('')),
      threatMetaDataXml(template),
      xmlElement('a:ThreatTypes', threatTypes.map((t) => threatTypeXml(t, categories)).join('')),
    ].join(''),
    `z:Id="i${serial}" xmlns:a="${NS.knowledgeBase}" xmlns:z="${NS.serialization}"`,
  );
}
