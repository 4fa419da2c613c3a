/**
 * The template editor's logic, pure so it is tested without a browser: rule highlighting and
 * problems with their column, which interactions of a model a threat type matches, its text
 * filled for one interaction, what re-applying a newer template version would change, and new
 * templates from blank or as a copy.
 */
import {
  analyze,
  compileRule,
  compileText,
  computeInteractions,
  directedInteractions,
  displayName,
  type Element,
  GENERIC_TYPES,
  generateThreats,
  type InteractionSet,
  oneLine,
  type ResolvedTemplate,
  type Result,
  resolveTemplate,
  type Template,
  type TextContext,
  type TextSubject,
  type Threat,
  type ThreatModel,
  type ThreatType,
  typeOf,
} from '@bulwark/core';

/** One piece of a rule as the editor colours it. */
export interface RuleToken {
  text: string;
  kind: 'keyword' | 'role' | 'literal' | 'attr' | 'punct' | 'space' | 'other';
}

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'crosses']);
const ROLE_WORDS = new Set(['source', 'target', 'flow', 'element']);

/** Splits a rule into coloured pieces; joined, they give the rule back exactly. */
export function ruleTokens(rule: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  for (const m of rule.matchAll(/\s+|'[^']*'?|[().]|[A-Za-z0-9_\-[\]]+|[^\s]/g)) {
    const text = m[0];
    const previous = tokens.at(-1);
    let kind: RuleToken['kind'] = 'other';
    if (/^\s/.test(text)) kind = 'space';
    else if (text.startsWith("'")) kind = 'literal';
    else if (/^[().]$/.test(text)) kind = 'punct';
    else if (previous?.text === '.') kind = 'attr';
    else if (KEYWORDS.has(text)) kind = 'keyword';
    else if (ROLE_WORDS.has(text)) kind = 'role';
    tokens.push({ text, kind });
  }
  return tokens;
}

/** A rule that does not compile: where (1-based column) and why. */
export interface RuleProblemAt {
  column: number;
  message: string;
}

/** The first problem of a rule for a threat type's scope, or undefined when it compiles. */
export function ruleProblem(rule: string, scope: 'interaction' | 'element' = 'interaction'): RuleProblemAt | undefined {
  if (rule.trim() === '') return undefined;
  const r = compileRule(rule, scope);
  if (r.ok) return undefined;
  return { column: r.error.column ?? 1, message: r.error.message };
}

/** A template resolved with only the given threat types (a broken one is a value, not a throw). */
function resolvedWith(template: Template, threatTypes: ThreatType[]): Result<ResolvedTemplate> {
  return resolveTemplate({ ...template, threatTypes });
}

/** The names of a model's elements by id, over every diagram. */
function namesOf(model: ThreatModel): Map<string, string> {
  const names = new Map<string, string>();
  for (const d of model.diagrams) for (const e of d.elements) names.set(e.id, oneLine(displayName(e)));
  return names;
}

/** An interaction (or element) of a model, as a list names it. */
export interface InteractionChoice {
  key: string;
  label: string;
}

/** Every interaction of a model, "Source → Flow → Target", in diagram order. */
export function modelInteractions(model: ThreatModel, interactions?: InteractionSet): InteractionChoice[] {
  return directedInteractions(interactions ?? computeInteractions(model)).map((i) => ({
    key: i.key,
    label: `${oneLine(displayName(i.source))} → ${oneLine(displayName(i.flow))} → ${oneLine(displayName(i.target))}`,
  }));
}

/** A threat a threat type would generate in a model. */
export interface RuleMatch {
  threatId: string;
  /** `sourceId:flowId:targetId`, or the element id for element-scoped types. */
  key: string;
  label: string;
  title: string;
}

/**
 * Which interactions (or elements) of `model` the threat type produces a threat for, with the
 * template as edited (`interactions`: the model's, when already computed); an error when the template does not resolve or the rule does not compile.
 */
export function threatTypeMatches(
  model: ThreatModel,
  template: Template,
  threatType: ThreatType,
  interactions?: InteractionSet,
): { ok: true; matches: RuleMatch[] } | { ok: false; message: string } {
  const resolved = resolvedWith(template, [threatType]);
  if (!resolved.ok) return { ok: false, message: resolved.error.message };
  const problem = resolved.value.ruleProblems[0];
  if (problem) return { ok: false, message: `The ${problem.rule} rule: ${problem.error.message}` };
  const names = namesOf(model);
  const name = (id: string | undefined): string => (id === undefined ? '?' : (names.get(id) ?? id));
  const matches = generateThreats(model, resolved.value, interactions ? { interactions } : {}).threats.map(
    (t): RuleMatch => {
      const i = t.interaction;
      return {
        threatId: t.id,
        key: i ? `${i.sourceId}:${i.flowId}:${i.targetId}` : (t.elementId ?? t.id),
        label: i ? `${name(i.sourceId)} → ${name(i.flowId)} → ${name(i.targetId)}` : name(t.elementId),
        title: t.title,
      };
    },
  );
  return { ok: true, matches };
}

/**
 * A threat type's title and description filled for one interaction of the model (for an
 * element-scoped type, its source element), whether or not the rules match it.
 */
export function previewThreat(
  model: ThreatModel,
  template: Template,
  threatType: Pick<ThreatType, 'title' | 'description' | 'scope'>,
  interactionKey: string,
  interactions?: InteractionSet,
): { title: string; description: string } | undefined {
  const resolved = resolvedWith(template, []);
  if (!resolved.ok) return undefined;
  const interaction = directedInteractions(interactions ?? computeInteractions(model)).find(
    (i) => i.key === interactionKey,
  );
  if (!interaction) return undefined;
  const subject = (el: Element): TextSubject => {
    const type = typeOf(el, resolved.value);
    return {
      name: oneLine(displayName(el)),
      types: type?.chainSet ?? new Set(),
      props: el.properties ?? {},
      defaults: type?.defaults ?? {},
    };
  };
  const ctx: TextContext =
    threatType.scope === 'element'
      ? { element: subject(interaction.source) }
      : { source: subject(interaction.source), flow: subject(interaction.flow), target: subject(interaction.target) };
  return { title: compileText(threatType.title)(ctx), description: compileText(threatType.description)(ctx) };
}

/** What re-applying a template version to a model would do, before anything changes. */
export interface ReapplyPreview {
  /** The model as it would be: threats regenerated, the template version switched. */
  model: ThreatModel;
  appear: Threat[];
  disappear: Threat[];
}

/**
 * Runs the analysis with `next` on the model (a copy: analyze never changes its input) and
 * compares threat ids: new ones appear; ones dropped, or kept only as orphaned because someone
 * triaged them, disappear.
 */
export function reapplyPreview(model: ThreatModel, next: ResolvedTemplate): ReapplyPreview {
  const after = analyze(model, next).model;
  const before = new Map((model.threats ?? []).map((t) => [t.id, t]));
  const now = new Map((after.threats ?? []).map((t) => [t.id, t]));
  const appear = (after.threats ?? []).filter((t) => !before.has(t.id) && !t.orphaned);
  const disappear = (model.threats ?? []).filter((t) => {
    const kept = now.get(t.id);
    return !t.orphaned && (!kept || kept.orphaned === true);
  });
  return { model: after, appear, disappear };
}

/** A template id from a name: lower-case words joined by dashes. */
export function templateIdFrom(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'my-template'
  );
}

/** A template with the seven generic types and nothing else. */
export function blankTemplate(id: string, name: string): Template {
  return {
    schemaVersion: 1,
    id,
    name,
    version: '1.0.0',
    categories: [],
    elementTypes: Object.entries(GENERIC_TYPES).map(([typeId, g]) => ({ id: typeId, name: g.name })),
    threatTypes: [],
  };
}

/** A copy of a template under a new id and name, starting again at version 1.0.0. */
export function copyOfTemplate(template: Template, id: string, name: string): Template {
  return { ...structuredClone(template), id, name, version: '1.0.0' };
}

/**
 * The kind a type is drawn as: its own root's (`kind`, or the generic type's), following parents
 * through the template; undefined when the chain is broken or loops.
 */
export function kindOf(template: Template, typeId: string): string | undefined {
  const byId = new Map(template.elementTypes.map((t) => [t.id, t]));
  const seen = new Set<string>();
  let t = byId.get(typeId);
  while (t?.parent !== undefined && !seen.has(t.id)) {
    seen.add(t.id);
    t = byId.get(t.parent);
  }
  if (!t || t.parent !== undefined) return undefined;
  return t.kind ?? GENERIC_TYPES[t.id as keyof typeof GENERIC_TYPES]?.kind;
}
