/**
 * The published JSON Schemas, generated from the zod schemas so they can never drift:
 * `schemas/threat-model.v<N>.schema.json` and `schemas/template.v<N>.schema.json`.
 */
import { z } from 'zod';
import { SCHEMA_VERSION, ThreatModelSchema } from './model/ThreatModelSchema.js';
import { TEMPLATE_SCHEMA_VERSION, TemplateSchema } from './template/TemplateSchema.js';

/** A generated schema and the file name it is published under. */
export interface PublishedSchema {
  fileName: string;
  schema: Record<string, unknown>;
}

function publish(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { $id: id, title, ...json };
}

/** Every schema Bulwark publishes, as it should be committed under `schemas/`. */
export function publishedSchemas(): PublishedSchema[] {
  return [
    {
      fileName: `threat-model.v${SCHEMA_VERSION}.schema.json`,
      schema: publish(ThreatModelSchema, `urn:bulwark:schema:threat-model:v${SCHEMA_VERSION}`, 'Bulwark threat model'),
    },
    {
      fileName: `template.v${TEMPLATE_SCHEMA_VERSION}.schema.json`,
      schema: publish(TemplateSchema, `urn:bulwark:schema:template:v${TEMPLATE_SCHEMA_VERSION}`, 'Bulwark template'),
    },
  ];
}
