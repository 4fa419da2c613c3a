/**
 * What a change to a model means, as the kinds of change it makes: the one place that says what
 * a change is, so that who may make it is a table (the server's changePolicy) rather than a
 * comparison per route. Moving a shape is `layout` while every flow crosses the same trust
 * boundaries, and `crossings` once one does not (the analysis follows positions).
 */
import { computeInteractions } from './interactions.js';
import { jsonEqual } from './jsonEqual.js';
import type { Element, Threat, ThreatModel } from './model/ThreatModelSchema.js';

/** The kinds of change, from what changes the design to what only records the review. */
export type ChangeKind =
  /** Elements, their names, types and properties, flows' ends, diagrams, metadata, assets, notes, the template. */
  | 'design'
  /** Shapes moved or resized so that some flow crosses other trust boundaries than before. */
  | 'crossings'
  /** Shapes moved, resized or bent with every crossing unchanged. */
  | 'layout'
  /** Threats added or removed, or what a threat says (title, description, category, interaction) changed. */
  | 'threats'
  /** A threat's status, priority, justification or mitigations. */
  | 'triage'
  /** Interactions marked reviewed in review mode. */
  | 'review-progress'
  /** Sign-offs: written by the server alone. */
  | 'sign-offs';

/** Every kind, in the order above. */
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'design',
  'crossings',
  'layout',
  'threats',
  'triage',
  'review-progress',
  'sign-offs',
];

/** The fields of a threat that triage sets. */
export const TRIAGE_FIELDS = ['status', 'priority', 'justification', 'mitigations'] as const;

/** The fields that record who did what: set by whoever stores the model, never taken from a client. */
const AUTHORSHIP_FIELDS = ['changedBy', 'changedAt'] as const;

const withoutGeometry = (e: Element): Element => ({ ...e, position: undefined, path: undefined }) as Element;

/** The model as the design kind compares it: no threats, review, positions or template version. */
function design(m: ThreatModel): unknown {
  return {
    ...m,
    threats: undefined,
    review: undefined,
    template: { id: m.template.id },
    diagrams: m.diagrams.map((d) => ({ ...d, elements: d.elements.map(withoutGeometry) })),
  };
}

/** Each flow's crossed boundaries, by `diagramId/flowId`. */
function crossings(m: ThreatModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of computeInteractions(m).flows)
    out.set(`${f.diagramId}/${f.flow.id}`, f.crossed.map((b) => b.id).sort());
  return out;
}

const NOT_STATEMENT = new Set<string>([...TRIAGE_FIELDS, ...AUTHORSHIP_FIELDS]);

/** Do two threats say the same (every field but triage and authorship)? Compared in place, no copies. */
function sameStatement(a: Threat, b: Threat): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k in x) if (!NOT_STATEMENT.has(k) && !jsonEqual(x[k], y[k])) return false;
  for (const k in y) if (!NOT_STATEMENT.has(k) && x[k] === undefined && y[k] !== undefined) return false;
  return true;
}

/** The kinds of change between two versions of a model. */
export function changeKinds(before: ThreatModel, after: ThreatModel): Set<ChangeKind> {
  const kinds = new Set<ChangeKind>();
  if (!jsonEqual(design(before), design(after))) kinds.add('design');
  // Where the shapes both versions have sit (added or removed ones are a design change).
  const geometry = (m: ThreatModel) => {
    const out = new Map<string, unknown>();
    for (const d of m.diagrams)
      for (const e of d.elements)
        out.set(`${d.id}/${e.id}`, {
          p: 'position' in e ? e.position : undefined,
          q: 'path' in e ? e.path : undefined,
        });
    return out;
  };
  const g0 = geometry(before);
  const g1 = geometry(after);
  const moved = [...g1].some(([k, v]) => g0.has(k) && !jsonEqual(g0.get(k), v));
  if (moved) {
    const a = crossings(before);
    const b = crossings(after);
    const same = a.size === b.size && [...a].every(([k, v]) => jsonEqual(v, b.get(k)));
    kinds.add(same ? 'layout' : 'crossings');
  }
  const was = new Map((before.threats ?? []).map((t) => [t.id, t]));
  const now = after.threats ?? [];
  if (now.length !== was.size) kinds.add('threats');
  for (const t of now) {
    const old = was.get(t.id);
    if (!old) {
      kinds.add('threats');
      continue;
    }
    if (!kinds.has('threats') && !sameStatement(old, t)) kinds.add('threats');
    if (TRIAGE_FIELDS.some((k) => old[k] !== t[k])) kinds.add('triage');
  }
  if (!jsonEqual(before.review?.reviewed ?? [], after.review?.reviewed ?? [])) kinds.add('review-progress');
  if (!jsonEqual(before.review?.signOffs ?? [], after.review?.signOffs ?? [])) kinds.add('sign-offs');
  return kinds;
}

/**
 * `after` with what records who did what set by the one storing it, not by the client that sent
 * it: sign-offs as they were stored; a threat's `changedBy`/`changedAt` the caller and now when
 * its triage changed (or it is a new manual threat), else as stored; an interaction marked
 * reviewed in this change by the caller, now, else as stored.
 */
export function recordAuthorship(before: ThreatModel, after: ThreatModel, by: string, at: string): ThreatModel {
  const was = new Map((before.threats ?? []).map((t) => [t.id, t]));
  const threats = after.threats?.map((t) => {
    const old = was.get(t.id);
    // A new threat counts as triaged when it is manual or arrives with a status or texts.
    const changed = old
      ? TRIAGE_FIELDS.some((k) => old[k] !== t[k])
      : t.origin === 'manual' || t.status !== 'not-started' || !!t.justification || !!t.mitigations;
    if (changed) return { ...t, changedBy: by, changedAt: at };
    // Unchanged triage: the stored stamp (most threats: the same object, not a copy).
    if (t.changedBy === old?.changedBy && t.changedAt === old?.changedAt) return t;
    const { changedBy: _by, changedAt: _at, ...rest } = t;
    return {
      ...rest,
      ...(old?.changedBy !== undefined ? { changedBy: old.changedBy } : {}),
      ...(old?.changedAt !== undefined ? { changedAt: old.changedAt } : {}),
    };
  });
  const reviewedBefore = new Map((before.review?.reviewed ?? []).map((r) => [r.interaction, r]));
  const reviewed = after.review?.reviewed?.map((r) => reviewedBefore.get(r.interaction) ?? { ...r, by, at });
  const signOffs = before.review?.signOffs;
  const review =
    reviewed !== undefined || signOffs !== undefined
      ? dropUndefined({ ...after.review, reviewed, signOffs })
      : undefined;
  return dropUndefined({ ...after, ...(threats ? { threats } : {}), review });
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
