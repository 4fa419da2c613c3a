/**
 * Resolves a template for fast use: the parent chain and kind of every element type, the
 * effective properties and defaults of each, and every threat type's rules compiled once.
 */
import { type BulwarkError, bulwarkError, err, ok, type Result } from '../errors.js';
import type { ElementKind, PropertyValue } from '../model/ThreatModelSchema.js';
import { type CompiledRule, compileRule } from '../rules/compileRule.js';
import type { RuleAst } from '../rules/parseRule.js';
import { schemaError } from '../schemaErrors.js';
import { GENERIC_TYPES, type PropertyDef, type Template, TemplateSchema, type ThreatType } from './TemplateSchema.js';

/** An element type with everything derived from its parent chain. */
export interface ResolvedType {
  id: string;
  name: string;
  kind: ElementKind;
  /** For trust boundaries: box or line. */
  shape?: 'box' | 'line';
  /** The root type it descends from (GE.P, GE.DS, ..., or a template's own root type). */
  genericId: string;
  /** Its own id first, then each ancestor up to the generic type. */
  chain: readonly string[];
  /** The same ids, for `is` tests. */
  chainSet: ReadonlySet<string>;
  /** Effective properties, ancestors' first; a redefinition replaces the inherited one. */
  properties: readonly PropertyDef[];
  propertyById: ReadonlyMap<string, PropertyDef>;
  /** Effective default value of each property. */
  defaults: Readonly<Record<string, PropertyValue>>;
}

/** A threat type whose rules compiled (or did not: see `problem`). */
export interface CompiledThreatType {
  type: ThreatType;
  scope: 'interaction' | 'element';
  include: CompiledRule;
  exclude?: CompiledRule;
  /** The include rule's syntax tree, used to index threat types by the types they can match. */
  includeAst: RuleAst;
}

/** A threat type that cannot be used, and why. */
export interface RuleProblem {
  threatTypeId: string;
  rule: 'include' | 'exclude';
  error: BulwarkError;
}

/** A template ready for analysis. */
export interface ResolvedTemplate {
  template: Template;
  types: ReadonlyMap<string, ResolvedType>;
  threatTypes: readonly CompiledThreatType[];
  /** Threat types skipped because a rule is broken; the analysis goes on without them. */
  ruleProblems: readonly RuleProblem[];
}

/** Parses and checks a template document (already read from YAML or JSON). */
export function parseTemplate(input: unknown, file?: string): Result<Template> {
  const parsed = TemplateSchema.safeParse(input);
  if (!parsed.success) {
    return err(
      schemaError(parsed.error, 'template', {
        code: 'TEMPLATE_INVALID',
        ...(file !== undefined ? { file } : {}),
      }),
    );
  }
  return ok(parsed.data);
}

/** The value a property has when an element sets none. */
export function defaultValue(prop: PropertyDef): PropertyValue {
  if (prop.default !== undefined) return prop.default;
  if (prop.type === 'boolean') return false;
  if (prop.type === 'list') return prop.values?.[0] ?? '';
  return '';
}

function templateProblem(template: Template, path: string, message: string): BulwarkError {
  return bulwarkError('TEMPLATE_INVALID', message, { path, file: `template ${template.id}` });
}

function resolveTypes(template: Template): Result<Map<string, ResolvedType>> {
  const problems: BulwarkError[] = [];
  const byId = new Map(template.elementTypes.map((t) => [t.id, t]));
  template.elementTypes.forEach((t, i) => {
    if (template.elementTypes.findIndex((u) => u.id === t.id) !== i) {
      problems.push(templateProblem(template, `elementTypes[${i}].id`, `Duplicate element type id "${t.id}".`));
    }
  });
  const resolved = new Map<string, ResolvedType>();
  template.elementTypes.forEach((t, index) => {
    const chain: string[] = [];
    let cur: typeof t | undefined = t;
    while (cur) {
      if (chain.includes(cur.id)) {
        problems.push(
          templateProblem(
            template,
            `elementTypes[${index}].parent`,
            `Type "${t.id}" has a parent cycle: ${[...chain, cur.id].join(' -> ')}.`,
          ),
        );
        return;
      }
      chain.push(cur.id);
      if (cur.parent === undefined) break;
      const parent = byId.get(cur.parent);
      if (!parent) {
        problems.push(
          templateProblem(
            template,
            `elementTypes[${index}].parent`,
            `Type "${cur.id}" names parent "${cur.parent}", which the template does not define.`,
          ),
        );
        return;
      }
      cur = parent;
    }
    const root = chain[chain.length - 1] as string;
    const rootType = byId.get(root);
    const known = GENERIC_TYPES[root as keyof typeof GENERIC_TYPES];
    const generic = known ?? (rootType?.kind ? { kind: rootType.kind } : undefined);
    if (!generic) {
      problems.push(
        templateProblem(
          template,
          `elementTypes[${index}]`,
          `Type "${t.id}" does not descend from a generic type (${Object.keys(GENERIC_TYPES).join(', ')}), and its root "${root}" does not say its kind.`,
        ),
      );
      return;
    }
    const shape: 'box' | 'line' | undefined =
      generic.kind !== 'trustBoundary' ? undefined : root === 'GE.TB.L' || rootType?.shape === 'line' ? 'line' : 'box';
    const propertyById = new Map<string, PropertyDef>();
    for (const id of [...chain].reverse()) {
      for (const prop of byId.get(id)?.properties ?? []) propertyById.set(prop.id, prop);
    }
    const defaults: Record<string, PropertyValue> = {};
    for (const prop of propertyById.values()) {
      if (prop.type === 'list' && (prop.values === undefined || prop.values.length === 0)) {
        problems.push(templateProblem(template, `elementTypes[${index}]`, `List property "${prop.id}" has no values.`));
      }
      if (prop.type === 'list' && prop.default !== undefined && !prop.values?.includes(String(prop.default))) {
        problems.push(
          templateProblem(
            template,
            `elementTypes[${index}]`,
            `Property "${prop.id}" defaults to "${String(prop.default)}", which is not one of its values.`,
          ),
        );
      }
      defaults[prop.id] = defaultValue(prop);
    }
    resolved.set(t.id, {
      id: t.id,
      name: t.name,
      kind: generic.kind,
      ...(shape ? { shape } : {}),
      genericId: root,
      chain,
      chainSet: new Set(chain),
      properties: [...propertyById.values()],
      propertyById,
      defaults,
    });
  });
  if (problems.length > 0) {
    return err(
      bulwarkError(
        'TEMPLATE_INVALID',
        `Template "${template.id}" is inconsistent: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
        {
          file: `template ${template.id}`,
          details: problems,
        },
      ),
    );
  }
  return ok(resolved);
}

/**
 * Resolves a parsed template. Structural problems (unknown parents, missing generic types,
 * unknown categories) fail; broken rules do not: their threat types are listed in
 * `ruleProblems` and skipped.
 */
export function resolveTemplate(template: Template): Result<ResolvedTemplate> {
  const types = resolveTypes(template);
  if (!types.ok) return types;
  const categories = new Set(template.categories.map((c) => c.id));
  const problems: BulwarkError[] = [];
  const seen = new Set<string>();
  template.threatTypes.forEach((tt, i) => {
    if (seen.has(tt.id))
      problems.push(templateProblem(template, `threatTypes[${i}].id`, `Duplicate threat type id "${tt.id}".`));
    seen.add(tt.id);
    if (!categories.has(tt.category)) {
      problems.push(
        templateProblem(
          template,
          `threatTypes[${i}].category`,
          `Threat type "${tt.id}" has category "${tt.category}", which the template does not define.`,
        ),
      );
    }
  });
  if (problems.length > 0) {
    return err(
      bulwarkError(
        'TEMPLATE_INVALID',
        `Template "${template.id}" is inconsistent: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
        {
          file: `template ${template.id}`,
          details: problems,
        },
      ),
    );
  }
  const threatTypes: CompiledThreatType[] = [];
  const ruleProblems: RuleProblem[] = [];
  for (const tt of template.threatTypes) {
    const scope = tt.scope ?? 'interaction';
    const include = compileRule(tt.include, scope);
    if (!include.ok) {
      ruleProblems.push({ threatTypeId: tt.id, rule: 'include', error: include.error });
      continue;
    }
    let exclude: CompiledRule | undefined;
    if (tt.exclude !== undefined && tt.exclude.trim() !== '') {
      const compiled = compileRule(tt.exclude, scope);
      if (!compiled.ok) {
        ruleProblems.push({ threatTypeId: tt.id, rule: 'exclude', error: compiled.error });
        continue;
      }
      exclude = compiled.value;
    }
    threatTypes.push({
      type: tt,
      scope,
      include: include.value,
      ...(exclude ? { exclude } : {}),
      includeAst: include.value.ast,
    });
  }
  return ok({ template, types: types.value, threatTypes, ruleProblems });
}

/** A rule that names a type or property the template does not define: it can never match. */
export interface RuleReferenceWarning {
  threatTypeId: string;
  rule: 'include' | 'exclude';
  message: string;
}

function walk(ast: RuleAst, visit: (atom: RuleAst) => void): void {
  if (ast.kind === 'and' || ast.kind === 'or') for (const item of ast.items) walk(item, visit);
  else if (ast.kind === 'not') walk(ast.item, visit);
  else visit(ast);
}

/** Finds rule atoms that name unknown types or properties (usually typos). */
export function ruleReferenceWarnings(template: ResolvedTemplate): RuleReferenceWarning[] {
  const properties = new Set<string>();
  for (const type of template.types.values()) for (const p of type.properties) properties.add(p.id);
  const warnings: RuleReferenceWarning[] = [];
  for (const tt of template.threatTypes) {
    const rules: ['include' | 'exclude', CompiledRule | undefined][] = [
      ['include', tt.include],
      ['exclude', tt.exclude],
    ];
    for (const [which, rule] of rules) {
      if (!rule) continue;
      walk(rule.ast, (atom) => {
        if ((atom.kind === 'is' || atom.kind === 'crosses') && atom.type !== 'ROOT' && !template.types.has(atom.type)) {
          warnings.push({
            threatTypeId: tt.type.id,
            rule: which,
            message: `names type '${atom.type}', which the template does not define`,
          });
        } else if (atom.kind === 'attr' && !properties.has(atom.attr)) {
          warnings.push({
            threatTypeId: tt.type.id,
            rule: which,
            message: `tests property "${atom.attr}", which no element type defines`,
          });
        }
      });
    }
  }
  return warnings;
}
