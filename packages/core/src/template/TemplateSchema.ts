/**
 * A template (the Microsoft tool calls it a knowledge base): element types with their typed
 * properties, threat categories, and threat types with include/exclude rules. Built-in
 * templates are YAML files validated against this schema.
 */
import { z } from 'zod';
import { MAX_TEXT_LENGTH, PropertyValueSchema } from '../model/ThreatModelSchema.js';

/** The version of the template file format. */
export const TEMPLATE_SCHEMA_VERSION = 1;

/** The generic element types every template starts from, and the kind each stands for. */
export const GENERIC_TYPES = {
  'GE.P': { kind: 'process', name: 'Generic process' },
  'GE.DS': { kind: 'dataStore', name: 'Generic data store' },
  'GE.EI': { kind: 'externalEntity', name: 'Generic external entity' },
  'GE.DF': { kind: 'dataFlow', name: 'Generic data flow' },
  'GE.TB.B': { kind: 'trustBoundary', name: 'Generic trust border boundary' },
  'GE.TB.L': { kind: 'trustBoundary', name: 'Generic trust line boundary' },
  'GE.A': { kind: 'annotation', name: 'Free text annotation' },
} as const;

/** A property an element type offers, with its allowed values. */
export const PropertyDefSchema = z
  .object({
    id: z.string().max(MAX_TEXT_LENGTH).min(1).describe('The key used in element properties and in rules.'),
    name: z.string().max(MAX_TEXT_LENGTH).min(1).describe('The label shown to users.'),
    type: z.enum(['list', 'boolean', 'text']).describe('list: one of `values`; boolean: true/false; text: free text.'),
    values: z.array(z.string().max(MAX_TEXT_LENGTH)).optional().describe('For list properties: the allowed values.'),
    default: PropertyValueSchema.optional().describe(
      'The value an element has when it sets none (lists default to their first value).',
    ),
    description: z.string().max(MAX_TEXT_LENGTH).optional().describe('What the property means, shown as help.'),
    details: z
      .record(z.string().max(MAX_TEXT_LENGTH), z.string().max(MAX_TEXT_LENGTH))
      .optional()
      .describe(
        'How a value reads in an interactions table: value ("true"/"false" for booleans) -> text. ' +
          'Text may use placeholders such as {flow.tunnelPeer}. Values without an entry add nothing.',
      ),
  })
  .describe('A typed property of an element type.');
export type PropertyDef = z.infer<typeof PropertyDefSchema>;

/** An element type (a stencil): a generic type or one derived from another. */
export const ElementTypeSchema = z
  .object({
    id: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Type id, e.g. "GE.P" or "infra.firewall".'),
    name: z.string().max(MAX_TEXT_LENGTH).min(1).describe('The stencil name shown in the palette.'),
    parent: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .optional()
      .describe('The type this one refines; absent only for the generic types (GE.*).'),
    description: z.string().max(MAX_TEXT_LENGTH).optional().describe('What the stencil stands for.'),
    hidden: z.boolean().optional().describe('True to keep it out of the palette.'),
    kind: z
      .enum(['process', 'dataStore', 'externalEntity', 'dataFlow', 'trustBoundary', 'annotation'])
      .optional()
      .describe(
        'For a root type other than the seven GE.* types (templates from the Microsoft tool may define their own): the kind of element it is.',
      ),
    shape: z.enum(['box', 'line']).optional().describe('For a root trust-boundary type: box or line.'),
    properties: z
      .array(PropertyDefSchema)
      .optional()
      .describe('Properties added here (inherited ones come from the parent chain).'),
  })
  .describe('An element type.');
export type ElementType = z.infer<typeof ElementTypeSchema>;

/** A threat category, e.g. the six STRIDE categories. */
export const ThreatCategorySchema = z
  .object({
    id: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Category id, e.g. "S".'),
    name: z.string().max(MAX_TEXT_LENGTH).min(1).describe('e.g. "Spoofing".'),
    description: z.string().max(MAX_TEXT_LENGTH).optional().describe('What threats of this category have in common.'),
  })
  .describe('A threat category.');
export type ThreatCategory = z.infer<typeof ThreatCategorySchema>;

const ExampleElementSchema = z
  .object({
    type: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Element type id.'),
    name: z.string().max(MAX_TEXT_LENGTH).optional().describe('A name for placeholders; defaults to the role.'),
    properties: z
      .record(z.string().max(MAX_TEXT_LENGTH), PropertyValueSchema)
      .optional()
      .describe('Property values it sets.'),
  })
  .describe('An element in an example.');
export type ExampleElement = z.infer<typeof ExampleElementSchema>;

/** An example a threat type must (or must not) fire on: an interaction or a single element. */
export const ThreatExampleSchema = z
  .object({
    note: z.string().max(MAX_TEXT_LENGTH).optional().describe('Why this example is here.'),
    source: ExampleElementSchema.optional(),
    flow: ExampleElementSchema.optional().describe('Defaults to a plain GE.DF.'),
    target: ExampleElementSchema.optional(),
    crosses: z
      .array(z.string().max(MAX_TEXT_LENGTH))
      .optional()
      .describe('Boundary type ids the flow crosses (GE.TB.B or GE.TB.L and their subtypes).'),
    element: ExampleElementSchema.optional().describe('For element-scoped threat types.'),
  })
  .describe('An example interaction (source, flow, target) or element.');
export type ThreatExample = z.infer<typeof ThreatExampleSchema>;

/** A threat type: when it applies (rules) and what it says. */
export const ThreatTypeSchema = z
  .object({
    id: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Threat type id, stable across template versions.'),
    title: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .min(1)
      .describe('Title with placeholders: {source.Name}, {target.Name}, {flow.Name}, {flow.<prop>}.'),
    category: z.string().max(MAX_TEXT_LENGTH).min(1).describe('A category id of this template.'),
    scope: z
      .enum(['interaction', 'element'])
      .optional()
      .describe('interaction (default): rules see source, flow, target; element: rules see `element`.'),
    include: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Rule that must hold, e.g. "target is \'GE.DS\'".'),
    exclude: z.string().max(MAX_TEXT_LENGTH).optional().describe('Rule that, when it holds, suppresses the threat.'),
    description: z.string().max(MAX_TEXT_LENGTH).describe('What could go wrong; placeholders allowed.'),
    priority: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Default priority: High, Medium or Low.'),
    mitigations: z.array(z.string().max(MAX_TEXT_LENGTH)).optional().describe('Ways to address it.'),
    references: z.array(z.string().max(MAX_TEXT_LENGTH)).optional().describe('CWE-…, CAPEC-… or URLs that say more.'),
    examples: z
      .object({
        produces: z.array(ThreatExampleSchema).min(1),
        doesNotProduce: z.array(ThreatExampleSchema).min(1),
      })
      .optional()
      .describe('Interactions that must and must not produce this threat; built-ins need them.'),
  })
  .describe('A threat type.');
export type ThreatType = z.infer<typeof ThreatTypeSchema>;

/** A whole template file. */
export const TemplateSchema = z
  .object({
    schemaVersion: z.literal(TEMPLATE_SCHEMA_VERSION).describe('The template file format version.'),
    id: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Template id, e.g. "stride".'),
    name: z.string().max(MAX_TEXT_LENGTH).min(1).describe('The name shown when picking a template.'),
    version: z.string().max(MAX_TEXT_LENGTH).min(1).describe('Bumped whenever threat types or rules change.'),
    description: z.string().max(MAX_TEXT_LENGTH).optional().describe('What the template is for.'),
    author: z.string().max(MAX_TEXT_LENGTH).optional().describe('Who maintains it.'),
    priorities: z
      .array(z.string().max(MAX_TEXT_LENGTH))
      .optional()
      .describe('Priorities in order, highest first; default High, Medium, Low.'),
    categories: z.array(ThreatCategorySchema).describe('Threat categories, e.g. the six of STRIDE.'),
    elementTypes: z.array(ElementTypeSchema).describe('The seven generic types first, then stencils.'),
    threatTypes: z.array(ThreatTypeSchema).describe('Threat types with their rules.'),
  })
  .describe('A Bulwark template.');
export type Template = z.infer<typeof TemplateSchema>;
