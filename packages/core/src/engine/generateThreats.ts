/**
 * Threat generation: for every interaction (and element) and every threat type that can apply,
 * a threat when `include` holds and `exclude` does not. Threat types are indexed by the types
 * their include rule requires, so each interaction only sees the candidates that can match.
 */
import { computeInteractions, type InteractionSet, isNode } from '../interactions.js';
import type { Element, Threat, ThreatModel } from '../model/ThreatModelSchema.js';
import { compileText, type TextContext, type TextSubject } from '../placeholders.js';
import type { RuleContext } from '../rules/compileRule.js';
import type { Role, RuleAst } from '../rules/parseRule.js';
import type { CompiledThreatType, ResolvedTemplate } from '../template/resolveTemplate.js';
import { subjectCache } from './subjects.js';

type Slot = Role | 'crosses';

/** A condition every match must meet: the slot's type chain contains one of `types`. */
interface Requirement {
  slot: Slot;
  types: ReadonlySet<string>;
}

/** Necessary conditions derived from a rule: if any fails, the rule cannot hold. */
export function requirementsOf(ast: RuleAst): Requirement[] {
  switch (ast.kind) {
    case 'is':
      return [{ slot: ast.role, types: new Set([ast.type]) }];
    case 'crosses':
      return [{ slot: 'crosses', types: new Set([ast.type]) }];
    case 'and':
      return ast.items.flatMap(requirementsOf);
    case 'or': {
      const branches = ast.items.map(requirementsOf);
      const out: Requirement[] = [];
      for (const first of branches[0] ?? []) {
        if (out.some((r) => r.slot === first.slot)) continue;
        const union = new Set<string>();
        let everyBranch = true;
        for (const branch of branches) {
          const req = branch.find((r) => r.slot === first.slot);
          if (!req) {
            everyBranch = false;
            break;
          }
          for (const t of req.types) union.add(t);
        }
        if (everyBranch) out.push({ slot: first.slot, types: union });
      }
      return out;
    }
    default:
      return [];
  }
}

/** A threat type ready for the inner loop: rules, texts, and its index requirements. */
interface IndexedType {
  compiled: CompiledThreatType;
  /** Requirements on the source, flow, target or element types (checked once per type triple). */
  typeRequirements: Requirement[];
  /** Requirements on crossed boundary types (checked per interaction); empty when none. */
  crossRequirements: ReadonlySet<string>[];
  title: (ctx: TextContext) => string;
  description: (ctx: TextContext) => string;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of b) if (a.has(x)) return true;
  return false;
}

function meets(reqs: Requirement[], slots: Partial<Record<Slot, ReadonlySet<string>>>): boolean {
  for (const req of reqs) {
    const have = slots[req.slot];
    if (!have || !intersects(have, req.types)) return false;
  }
  return true;
}

function crossesAll(reqs: ReadonlySet<string>[], crossed: ReadonlySet<string>): boolean {
  for (const req of reqs) if (!intersects(crossed, req)) return false;
  return true;
}

/** Candidate lists cached by source, flow and target type id (no string keys to build). */
class CandidateIndex {
  private readonly cache = new Map<string, Map<string, Map<string, IndexedType[]>>>();
  constructor(private readonly types: IndexedType[]) {}

  get(
    source: TextSubject,
    sourceType: string,
    flow: TextSubject,
    flowType: string,
    target: TextSubject,
    targetType: string,
  ): IndexedType[] {
    let byFlow = this.cache.get(sourceType);
    if (!byFlow) {
      byFlow = new Map();
      this.cache.set(sourceType, byFlow);
    }
    let byTarget = byFlow.get(flowType);
    if (!byTarget) {
      byTarget = new Map();
      byFlow.set(flowType, byTarget);
    }
    let list = byTarget.get(targetType);
    if (!list) {
      const slots = { source: source.types, flow: flow.types, target: target.types };
      list = this.types.filter((t) => meets(t.typeRequirements, slots));
      byTarget.set(targetType, list);
    }
    return list;
  }
}

/** Options for a generation run. */
export interface GenerateOptions {
  /** Interactions already computed for this model, to avoid computing them twice. */
  interactions?: InteractionSet;
}

/** What generation produced. */
export interface GenerationResult {
  threats: Threat[];
  interactions: InteractionSet;
}

/** Generates every threat the template's rules produce for the model (no merging). */
export function generateThreats(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: GenerateOptions = {},
): GenerationResult {
  const interactions = options.interactions ?? computeInteractions(model);
  const subject = subjectCache(template);
  const indexed: IndexedType[] = template.threatTypes.map((compiled) => {
    const requirements = requirementsOf(compiled.includeAst);
    return {
      compiled,
      typeRequirements: requirements.filter((r) => r.slot !== 'crosses'),
      crossRequirements: requirements.filter((r) => r.slot === 'crosses').map((r) => r.types),
      title: compileText(compiled.type.title),
      description: compileText(compiled.type.description),
    };
  });
  const forInteractions = new CandidateIndex(indexed.filter((t) => t.compiled.scope === 'interaction'));
  const forElements = indexed.filter((t) => t.compiled.scope === 'element');
  const threats: Threat[] = [];

  // Crossed-boundary type chains, per flow (both directions share them).
  const crossedTypes = new Map<string, ReadonlySet<string>>();
  const none: ReadonlySet<string> = new Set();
  for (const fc of interactions.flows) {
    if (fc.crossed.length === 0) continue;
    const set = new Set<string>();
    for (const b of fc.crossed) for (const t of subject(b).types) set.add(t);
    crossedTypes.set(fc.flow.id, set);
  }

  for (const it of interactions.interactions) {
    const source = subject(it.source);
    const flow = subject(it.flow);
    const target = subject(it.target);
    const candidates = forInteractions.get(source, it.source.typeId, flow, it.flow.typeId, target, it.target.typeId);
    if (candidates.length === 0) continue;
    const crossed = crossedTypes.get(it.flow.id) ?? none;
    const ctx: RuleContext & TextContext = { source, flow, target, crossed };
    const outOfScope = Boolean(it.source.outOfScope || it.flow.outOfScope || it.target.outOfScope);
    // One reference object per interaction, shared by its threats (they are never mutated).
    const interaction = { sourceId: it.source.id, flowId: it.flow.id, targetId: it.target.id };
    const idSuffix = `:${it.key}`;
    for (const t of candidates) {
      if (t.crossRequirements.length > 0 && !crossesAll(t.crossRequirements, crossed)) continue;
      if (!t.compiled.include.test(ctx)) continue;
      if (t.compiled.exclude?.test(ctx)) continue;
      const type = t.compiled.type;
      const threat: Threat = {
        id: type.id + idSuffix,
        typeId: type.id,
        origin: 'generated',
        category: type.category,
        title: t.title(ctx),
        description: t.description(ctx),
        priority: type.priority,
        status: 'not-started',
        interaction,
        diagramId: it.diagramId,
      };
      if (outOfScope) threat.outOfScope = true;
      threats.push(threat);
    }
  }

  if (forElements.length > 0) {
    const byType = new Map<string, IndexedType[]>();
    for (const diagram of model.diagrams) {
      for (const el of diagram.elements) {
        if (!isThreatElement(el)) continue;
        const s = subject(el);
        let candidates = byType.get(el.typeId);
        if (!candidates) {
          candidates = forElements.filter((t) => meets(t.typeRequirements, { element: s.types }));
          byType.set(el.typeId, candidates);
        }
        const ctx: RuleContext & TextContext = { element: s };
        for (const t of candidates) {
          if (!t.compiled.include.test(ctx)) continue;
          if (t.compiled.exclude?.test(ctx)) continue;
          const type = t.compiled.type;
          const threat: Threat = {
            id: `${type.id}:${el.id}`,
            typeId: type.id,
            origin: 'generated',
            category: type.category,
            title: t.title(ctx),
            description: t.description(ctx),
            priority: type.priority,
            status: 'not-started',
            elementId: el.id,
            diagramId: diagram.id,
          };
          if (el.outOfScope) threat.outOfScope = true;
          threats.push(threat);
        }
      }
    }
  }
  return { threats, interactions };
}

/** Elements that element-scoped threat types apply to: nodes and flows. */
function isThreatElement(el: Element): boolean {
  return isNode(el) || el.kind === 'dataFlow';
}
