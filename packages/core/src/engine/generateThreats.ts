/**
 * Threat generation: for every interaction (and element) and every threat type that can apply,
 * a threat when `include` holds and `exclude` does not. Threat types are indexed by the types
 * their include rule requires, so each interaction only sees the candidates that can match.
 */
import { computeInteractions, type InteractionSet, isNode } from '../interactions.js';
import type { Element, InteractionRef, Threat, ThreatModel } from '../model/ThreatModelSchema.js';
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

/** A threat type with its index requirements and compiled texts. */
interface IndexedType {
  compiled: CompiledThreatType;
  /** Requirements on the source, flow, target or element types (checked once per type triple). */
  typeRequirements: Requirement[];
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

/** The threat types whose type requirements the known element types meet. */
function candidatesFor(types: IndexedType[], known: Partial<Record<Role, ReadonlySet<string>>>): IndexedType[] {
  return types.filter((t) => meets(t.typeRequirements, known));
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
      list = candidatesFor(this.types, { source: source.types, flow: flow.types, target: target.types });
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
  const indexed: IndexedType[] = template.threatTypes.map((compiled) => ({
    compiled,
    typeRequirements: requirementsOf(compiled.includeAst).filter((r) => r.slot !== 'crosses'),
    title: compileText(compiled.type.title),
    description: compileText(compiled.type.description),
  }));
  const forInteractions = new CandidateIndex(indexed.filter((t) => t.compiled.scope === 'interaction'));
  const forElements = indexed.filter((t) => t.compiled.scope === 'element');
  const threats: Threat[] = [];

  // Walk flows rather than interactions: subjects and crossings are computed once per flow and
  // shared by both directions of a bi-directional flow.
  const none: ReadonlySet<string> = new Set();
  for (const fc of interactions.flows) {
    let crossed = none;
    if (fc.crossed.length > 0) {
      const set = new Set<string>();
      for (const b of fc.crossed) for (const t of subject(b).types) set.add(t);
      crossed = set;
    }
    const a = subject(fc.source);
    const flow = subject(fc.flow);
    const b = subject(fc.target);
    const outOfScope = Boolean(fc.source.outOfScope || fc.flow.outOfScope || fc.target.outOfScope);
    const directions = fc.flow.bidirectional ? 2 : 1;
    for (let d = 0; d < directions; d++) {
      const [src, srcEl, tgt, tgtEl] = d === 0 ? [a, fc.source, b, fc.target] : [b, fc.target, a, fc.source];
      const candidates = forInteractions.get(src, srcEl.typeId, flow, fc.flow.typeId, tgt, tgtEl.typeId);
      if (candidates.length === 0) continue;
      const ctx: RuleContext & TextContext = { source: src, flow, target: tgt, crossed };
      // One reference object per interaction, shared by its threats (they are never mutated).
      const interaction = { sourceId: srcEl.id, flowId: fc.flow.id, targetId: tgtEl.id };
      const idSuffix = `:${srcEl.id}:${fc.flow.id}:${tgtEl.id}`;
      for (const t of candidates) {
        if (!t.compiled.include.test(ctx)) continue;
        if (t.compiled.exclude?.test(ctx)) continue;
        threats.push(newThreat(t, ctx, idSuffix, fc.diagramId, outOfScope, interaction, undefined));
      }
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
          candidates = candidatesFor(forElements, { element: s.types });
          byType.set(el.typeId, candidates);
        }
        const ctx: RuleContext & TextContext = { element: s };
        for (const t of candidates) {
          if (!t.compiled.include.test(ctx)) continue;
          if (t.compiled.exclude?.test(ctx)) continue;
          threats.push(newThreat(t, ctx, `:${el.id}`, diagram.id, Boolean(el.outOfScope), undefined, el.id));
        }
      }
    }
  }
  return { threats, interactions };
}

/** A generated threat of type `t`, its texts filled from `ctx`, on an interaction or an element. */
function newThreat(
  t: IndexedType,
  ctx: TextContext,
  idSuffix: string,
  diagramId: string,
  outOfScope: boolean,
  interaction: InteractionRef | undefined,
  elementId: string | undefined,
): Threat {
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
  };
  if (interaction) threat.interaction = interaction;
  if (elementId !== undefined) threat.elementId = elementId;
  threat.diagramId = diagramId;
  if (outOfScope) threat.outOfScope = true;
  return threat;
}

/** Elements that element-scoped threat types apply to: nodes and flows. */
function isThreatElement(el: Element): boolean {
  return isNode(el) || el.kind === 'dataFlow';
}
