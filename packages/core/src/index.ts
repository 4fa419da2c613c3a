/**
 * @bulwark/core: the pure domain of Bulwark. No I/O, no node:*, no UI: the same code runs in
 * the browser, the server and the CLI.
 */

/** A builder for models written as code. */
export { buildModel, type FlowOptions, ModelBuilder, type NodeOptions } from './buildModel.js';
/** What changed between two versions of a model. */
/** What a change means (design, crossings, layout, threats, triage, review), and who records it. */
export { CHANGE_KINDS, type ChangeKind, changeKinds, recordAuthorship, TRIAGE_FIELDS } from './changeKinds.js';
export { diffModels, type FieldChange, isEmptyDiff, type ModelDiff } from './diffModels.js';
export { type AnalysisResult, analyze, summarizeThreats, type ThreatSummary } from './engine/analyze.js';
/** Threat generation, merge and the whole analysis. */
export { type GenerationResult, generateThreats } from './engine/generateThreats.js';
export { compareThreats, isTriaged, type MergeSummary, mergeThreats } from './engine/mergeThreats.js';
export { displayName, genericTypeFor, oneLine, typeOf } from './engine/subjects.js';
// Errors and results
/** The catalogue of expected failures, and helpers to build and print them. */
export {
  type BulwarkError,
  bulwarkError,
  ERROR_CODES,
  type ErrorCode,
  err,
  formatError,
  ok,
  type Result,
} from './errors.js';
/** Geometry used for crossing. */
export { centre, contains, pathsIntersect, polyline, preparePath, segmentsIntersect } from './geometry.js';
// Interactions and analysis
/** Interactions and trust-boundary crossing. */
export {
  computeInteractions,
  directedInteractions,
  type FlowCrossing,
  type FlowEndpoint,
  type Interaction,
  type InteractionSet,
  isFlowEndpoint,
  isNode,
  type SkippedFlow,
} from './interactions.js';
/** The seeds' per-element interactions tables. */
export {
  flowDetails,
  type InteractionRow,
  type InteractionSection,
  interactionRows,
  interactionSections,
} from './interactionTable.js';
/** The JSON Schemas generated from the zod schemas. */
export { jsonEqual } from './jsonEqual.js';
export { JSON_ITEMS, jsonParts } from './jsonParts.js';
export { type PublishedSchema, publishedSchemas } from './jsonSchemas.js';
/** Numbered, pure migrations of old model files. */
export { MIGRATIONS, type Migration, migrate } from './migrations/index.js';
/** Parse (with migration) and deterministic serialization of the native file. */
export { canonicalModel, modelDigest, parseModel, serializeModel } from './model/modelFile.js';
// The model
/** The model schema (source of the types and of the file format) and its parts. */
export {
  type Asset,
  type DataFlow,
  type Diagram,
  DiagramSchema,
  type Element,
  type ElementKind,
  ElementSchema,
  type InteractionRef,
  MAX_TEXT_LENGTH,
  type Metadata,
  type NodeElement,
  type Note,
  type Path,
  type Point,
  type PropertyValue,
  type Rect,
  type Review,
  type ReviewedInteraction,
  SCHEMA_VERSION,
  type SignOff,
  type Threat,
  type ThreatModel,
  ThreatModelSchema,
  ThreatSchema,
  type ThreatStatus,
  ThreatStatusSchema,
  type TrustBoundary,
} from './model/ThreatModelSchema.js';
/** YAML read as PyYAML and js-yaml read it where a quoted scalar's lines are under-indented, with a warning. */
export {
  parseToleratingQuoteIndent,
  type QuoteIndentPlace,
  quoteIndentWarning,
  type TolerantParse,
  type YamlErrorLike,
} from './parseToleratingQuoteIndent.js';
/** Filling `{source.Name}`-style placeholders. */
export { compileText, type TextContext, type TextSubject } from './placeholders.js';
export {
  type CompiledRule,
  compileRule,
  type RuleContext,
  type RuleSubject,
  valueMatches,
} from './rules/compileRule.js';
// Rules
/** The rule language: parse to a tree, compile to a closure. */
export { parseRule, type Role, type RuleAst } from './rules/parseRule.js';
/** Runs a template's own examples through the engine. */
export { checkExamples, type ExampleFailure, exampleModel } from './template/checkExamples.js';
/** A template carried inside a model (`template.embedded`), e.g. a .tm7's knowledge base after convert. */
export { embeddedTemplate, embedTemplate, withoutEmbeddedTemplate } from './template/embeddedTemplate.js';
/** Turning a template into something fast to analyse with (types resolved, rules compiled). */
export {
  type CompiledThreatType,
  defaultValue,
  parseTemplate,
  type ResolvedTemplate,
  type ResolvedType,
  type RuleProblem,
  type RuleReferenceWarning,
  resolveTemplate,
  ruleReferenceWarnings,
} from './template/resolveTemplate.js';
// Templates
/** The template schema and the generic element types every template starts from. */
export {
  type ElementType,
  GENERIC_TYPES,
  type PropertyDef,
  TEMPLATE_SCHEMA_VERSION,
  type Template,
  TemplateSchema,
  type ThreatCategory,
  type ThreatExample,
  type ThreatType,
} from './template/TemplateSchema.js';
// Validation and diff
/** Problems beyond the schema: dangling flows, unknown types, bad property values. */
export { type Problem, type ProblemCode, validateModel } from './validateModel.js';
/** How deeply a YAML text nests, checked before parsing so deep input fails fast. */
export { MAX_YAML_NESTING, yamlNesting } from './yamlNesting.js';
