/**
 * The Microsoft Threat Modeling Tool's template file (.tb7): an XmlSerializer
 * `<KnowledgeBase>` with element types, categories and threat types, read into a Bulwark
 * template, and written from one.
 */
import {
  bulwarkError,
  type ElementType,
  err,
  ok,
  type PropertyDef,
  parseTemplate,
  type Result,
  type Template,
  type ThreatType,
} from '@bulwark/core';
import {
  attributeOf,
  DEFAULT_PRIORITIES,
  knowledgeBaseToTemplate,
  knowledgeBaseTypes,
  representationFor,
  THREAT_FIELD_IDS,
} from './tmtKnowledgeBase.js';
import { escapeXml, parseXml } from './xml.js';

/** Is this text a .tb7 (by content, not name)? */
export function looksLikeTb7(text: string): boolean {
  return /^\s*(\uFEFF)?(<\?xml[^>]*\?>\s*)?<KnowledgeBase[\s>]/.test(text.slice(0, 400));
}

/** Reads a .tb7 file's text into a Bulwark template. */
export function importTb7(text: string, file = 'template.tb7'): Result<Template> {
  const parsed = parseXml(text, file, '.tb7 template');
  if (!parsed.ok) return parsed;
  if (parsed.value.name !== 'KnowledgeBase') {
    return err(
      bulwarkError(
        'PARSE_SYNTAX',
        `Not a .tb7 template: the root element is <${parsed.value.name}>, not <KnowledgeBase>.`,
        { file },
      ),
    );
  }
  const template = parseTemplate(knowledgeBaseToTemplate(parsed.value), file);
  if (!template.ok) return template;
  return ok(template.value);
}

// ---- Writing ------------------------------------------------------------------------------

/** An element with text (escaped); empty text writes `<name />` as XmlSerializer does. */
function el(name: string, text: string): string {
  return text === '' ? `<${name} />` : `<${name}>${escapeXml(text)}</${name}>`;
}

/** An element holding child lines, indented one step deeper than `indent`. */
function block(name: string, lines: string[], indent: string): string {
  if (lines.length === 0) return `${indent}<${name} />`;
  return [`${indent}<${name}>`, ...lines, `${indent}</${name}>`].join('\n');
}

function datum(name: string, label: string, values: string[], type: 0 | 1, indent: string, hide = false): string {
  const inner = `${indent}  `;
  const id = THREAT_FIELD_IDS[name as keyof typeof THREAT_FIELD_IDS];
  return block(
    'ThreatMetaDatum',
    [
      `${inner}${el('Name', name)}`,
      `${inner}${el('Label', label)}`,
      `${inner}${el('HideFromUI', String(hide))}`,
      block(
        'Values',
        values.map((v) => `${inner}  ${el('Value', v)}`),
        inner,
      ),
      ...(id ? [`${inner}${el('Id', id)}`] : []),
      `${inner}${el('AttributeType', String(type))}`,
    ],
    indent,
  );
}

function attribute(p: PropertyDef, indent: string): string {
  const inner = `${indent}  `;
  const { values, mode } = attributeOf(p);
  return block(
    'Attribute',
    [
      `${inner}${el('Name', p.id)}`,
      `${inner}${el('DisplayName', p.name)}`,
      `${inner}${el('Mode', mode)}`,
      `${inner}${el('Type', 'List')}`,
      block(
        'AttributeValues',
        values.map((v) => `${inner}  ${el('Value', v)}`),
        inner,
      ),
    ],
    indent,
  );
}

function elementType(t: ElementType, missing: ReadonlyMap<string, ElementType>): string {
  const i = '      ';
  return block(
    'ElementType',
    [
      `${i}${el('Name', t.name)}`,
      `${i}${el('ID', t.id)}`,
      `${i}${el('Description', t.description ?? '')}`,
      `${i}${el('ParentElement', t.parent ?? 'ROOT')}`,
      `${i}<Image />`,
      `${i}${el('Hidden', String(t.hidden === true))}`,
      `${i}${el('Representation', representationFor(t, missing))}`,
      block(
        'Attributes',
        (t.properties ?? []).map((p) => attribute(p, `${i}  `)),
        i,
      ),
    ],
    '    ',
  );
}

function threatType(t: ThreatType, shortDescription: string): string {
  const i = '      ';
  return block(
    'ThreatType',
    [
      block('GenerationFilters', [`${i}  ${el('Include', t.include)}`, `${i}  ${el('Exclude', t.exclude ?? '')}`], i),
      `${i}${el('Id', t.id)}`,
      `${i}${el('ShortTitle', t.title)}`,
      `${i}${el('Category', t.category)}`,
      `${i}${el('Description', t.description)}`,
      block(
        'PropertiesMetaData',
        [
          datum('UserThreatShortDescription', 'Short Description', [shortDescription], 1, `${i}  `, true),
          datum('UserThreatDescription', 'Description', [t.description], 0, `${i}  `),
          datum('Priority', 'Priority', [t.priority], 1, `${i}  `),
        ],
        i,
      ),
    ],
    '    ',
  );
}

/**
 * Writes a template as a .tb7 the Microsoft tool opens: XmlSerializer layout (declaration,
 * indented, no namespaces), the manifest as attributes, root types in GenericElements and derived
 * ones in StandardElements. What a .tb7 cannot hold is listed by `tb7ExportLosses`.
 */
export function exportTb7(template: Template): string {
  const { generic, standard, missing } = knowledgeBaseTypes(template);
  const categories = new Map(template.categories.map((c) => [c.id, c.description ?? '']));
  // Line breaks and tabs in an attribute would read back as spaces: write them as references.
  const attr = (name: string, value: string): string =>
    `${name}="${escapeXml(value).replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;')}"`;
  const manifest = [
    attr('name', template.name),
    attr('id', template.id),
    attr('version', template.version),
    attr('author', template.author ?? ''),
  ].join(' ');
  const meta = block(
    'ThreatMetaData',
    [
      `    ${el('IsPriorityUsed', 'true')}`,
      `    ${el('IsStatusUsed', 'true')}`,
      block(
        'PropertiesMetaData',
        [
          datum('Title', 'Title', [''], 0, '      '),
          datum('UserThreatDescription', 'Description', [''], 0, '      '),
          datum('StateInformation', 'Justification', [''], 0, '      '),
          datum('Priority', 'Priority', template.priorities ?? DEFAULT_PRIORITIES, 1, '      '),
        ],
        '    ',
      ),
    ],
    '  ',
  );
  const category = (c: Template['categories'][number]): string =>
    block(
      'ThreatCategory',
      [
        `      ${el('Name', c.name)}`,
        `      ${el('Id', c.id)}`,
        `      ${el('ShortDescription', c.description ?? '')}`,
        '      <LongDescription />',
      ],
      '    ',
    );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<KnowledgeBase xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `  <Manifest ${manifest} />`,
    meta,
    block(
      'GenericElements',
      generic.map((t) => elementType(t, missing)),
      '  ',
    ),
    block(
      'StandardElements',
      standard.map((t) => elementType(t, missing)),
      '  ',
    ),
    block('ThreatCategories', template.categories.map(category), '  '),
    block(
      'ThreatTypes',
      template.threatTypes
        .filter((t) => t.scope !== 'element')
        .map((t) => threatType(t, categories.get(t.category) ?? '')),
      '  ',
    ),
    '</KnowledgeBase>',
    '',
  ].join('\n');
}

/**
 * What a .tb7 cannot hold of this template, in words a user reads before exporting (empty when
 * nothing is lost). Reading the file back gives the template without these.
 */
export function tb7ExportLosses(template: Template): string[] {
  const losses: string[] = [];
  const props = template.elementTypes.flatMap((t) => t.properties ?? []);
  const elementScoped = template.threatTypes.filter((t) => t.scope === 'element').length;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (template.description) losses.push("the template's description");
  if (elementScoped > 0)
    losses.push(`${count(elementScoped, 'element-scoped threat type')} (the tool only has interaction rules)`);
  const booleans = props.filter((p) => p.type === 'boolean').length;
  if (booleans > 0)
    losses.push(`${booleans} yes/no ${booleans === 1 ? 'property' : 'properties'} (written as True/False lists)`);
  const defaults = props.filter(
    (p) => p.type === 'list' && p.default !== undefined && p.default !== (p.values ?? [])[0],
  ).length;
  if (defaults > 0) losses.push(`${count(defaults, 'list default')} other than the first value`);
  const helped = props.filter((p) => p.description !== undefined && attributeOf(p).mode === 'Dynamic').length;
  if (helped > 0) losses.push(count(helped, 'property help text'));
  if (props.some((p) => p.details)) losses.push('interaction-table wording (details) of properties');
  const without = (key: 'mitigations' | 'references' | 'examples'): number =>
    template.threatTypes.filter((t) => t[key] !== undefined).length;
  if (without('mitigations') > 0) losses.push(`mitigations of ${count(without('mitigations'), 'threat type')}`);
  if (without('references') > 0) losses.push(`references of ${count(without('references'), 'threat type')}`);
  if (without('examples') > 0) losses.push(`examples of ${count(without('examples'), 'threat type')}`);
  return losses;
}
