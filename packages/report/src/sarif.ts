/**
 * The threats as SARIF 2.1.0, for code-scanning dashboards and CI: one run whose rules are the
 * threat types used and whose results are the threats (see README.md, and the schema test).
 *
 * - level from priority: High -> error, Medium -> warning, Low -> note, anything else -> warning;
 * - mitigated and not-applicable threats carry an accepted external suppression with their
 *   justification; not-started and needs-investigation ones are plain results;
 * - the elements a threat touches are its logical locations ("Diagram/Element"); the model file
 *   is its physical location when the caller names it, at the line that defines the threat (or
 *   else its flow, or its element) when the caller hands over the file's text, line 1 otherwise (code
 *   scanning needs a line to show a result);
 * - partialFingerprints hold the threat id, which is stable across runs.
 */
import {
  type Element,
  JSON_ITEMS,
  jsonParts,
  type ResolvedTemplate,
  type Threat,
  type ThreatModel,
} from '@bulwark/core';
import { categoryNames, type ElementIndex, indexElements, nameOf, orderedThreats, threatPlace } from './threatOrder.js';

/** What the caller may add to a SARIF log. */
export interface SarifOptions {
  /** The model file as the scanning tool should see it (a path relative to the repository root, or a URI). */
  modelUri?: string;
  /** Bulwark's version, for tool.driver.version. */
  toolVersion?: string;
  /** The model file's text (JSON or YAML), to point each result at the line that defines it. */
  modelText?: string;
}

/**
 * The line (1-based) where each id is first defined in a model file: `"id": "x"` in JSON, `id: x`
 * in YAML, block or flow style (`- { id: x, ... }`). Keys ending in `Id` (`typeId`...) do not count.
 */
export function idLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const key = /(?:^|[\s{,])(?:"id"|id)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s,#{}[\]"']+))/g;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    for (const m of line.matchAll(key)) {
      let id = m[2] ?? m[3] ?? '';
      if (m[1] !== undefined) {
        try {
          id = JSON.parse(`"${m[1]}"`) as string;
        } catch {
          continue;
        }
      }
      if (!lines.has(id)) lines.set(id, i + 1);
    }
  });
  return lines;
}

type Level = 'error' | 'warning' | 'note';

/** The SARIF level of a priority. */
export function sarifLevel(priority: string): Level {
  switch (priority.toLowerCase()) {
    case 'high':
      return 'error';
    case 'low':
      return 'note';
    default:
      return 'warning';
  }
}

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: Level };
  properties: Record<string, unknown>;
}

/** A threat type's text with its placeholders in general words: `{source.Name}` -> "the source". */
export function generalText(text: string): string {
  const out = text.replace(
    /\{(source|target|flow|element)\.([A-Za-z0-9_\-[\] ]+?)\}/g,
    (_m, role: string, attr: string) => (attr === 'Name' ? `the ${role}` : `the ${role}'s ${attr}`),
  );
  return text.startsWith('{') ? out.charAt(0).toUpperCase() + out.slice(1) : out;
}

/** A rule's name as SARIF suggests (an identifier in PascalCase): the last part of the type id. */
function ruleName(typeId: string): string {
  const last = typeId.split(/[.:/]/).pop() ?? typeId;
  const name = last
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return name || typeId;
}

function rule(typeId: string, sample: Threat, template: ResolvedTemplate, category: (id: string) => string): Rule {
  const type = template.threatTypes.find((t) => t.type.id === typeId)?.type;
  const help = [
    ...(type?.mitigations ?? []).map((m) => `- ${m}`),
    ...(type?.references?.length ? [`References: ${type.references.join(', ')}`] : []),
  ];
  return {
    id: typeId,
    name: ruleName(typeId),
    shortDescription: { text: type ? generalText(type.title) : `${category(sample.category)} threat` },
    fullDescription: {
      text: type ? generalText(type.description) : sample.origin === 'manual' ? 'A threat added by hand.' : typeId,
    },
    help: { text: help.length > 0 ? help.join('\n') : 'Triage the threat in Bulwark: mitigate it or justify it.' },
    defaultConfiguration: { level: sarifLevel(type?.priority ?? sample.priority) },
    properties: { category: category(type?.category ?? sample.category), tags: ['security', 'threat-model'] },
  };
}

function logicalLocation(id: string, index: ElementIndex): Record<string, string> {
  const el: Element | undefined = index.element.get(id);
  const name = nameOf(index, id);
  const diagram = index.diagramName.get(id);
  return {
    name,
    kind: el?.kind ?? 'element',
    fullyQualifiedName: diagram !== undefined ? `${diagram}/${name}` : name,
  };
}

function suppressions(t: Threat): Record<string, unknown>[] | undefined {
  if (t.status !== 'mitigated' && t.status !== 'not-applicable') return undefined;
  const justification = t.justification || t.mitigations || (t.status === 'mitigated' ? 'Mitigated' : 'Not applicable');
  return [{ kind: 'external', status: 'accepted', justification }];
}

/**
 * The model's threats as a SARIF 2.1.0 log (2-space JSON, final newline), in pieces that join to
 * it: one per result, so a large model's log (a result per threat) is never held whole.
 */
export function* renderSarifParts(
  model: ThreatModel,
  template: ResolvedTemplate,
  options: SarifOptions = {},
): Generator<string, void, undefined> {
  const index = indexElements(model);
  const category = categoryNames(template.template.categories);
  const threats = orderedThreats(model, index);
  const lines = options.modelText !== undefined ? idLines(options.modelText) : new Map<string, number>();
  const ruleIds = [...new Set(threats.map((t) => t.typeId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const samples = new Map<string, Threat>();
  for (const t of threats) if (!samples.has(t.typeId)) samples.set(t.typeId, t);
  const rules = ruleIds.map((id) => rule(id, samples.get(id) as Threat, template, category));
  const result = (t: Threat) => {
    const place = threatPlace(t, index);
    const suppressed = suppressions(t);
    return {
      ruleId: t.typeId,
      ruleIndex: ruleIndex.get(t.typeId),
      level: sarifLevel(t.priority),
      message: { text: place.where ? `${t.title} (${place.where})` : t.title },
      locations: [
        {
          ...(options.modelUri !== undefined
            ? {
                physicalLocation: {
                  artifactLocation: { uri: options.modelUri },
                  region: {
                    startLine:
                      lines.get(t.id) ??
                      lines.get(t.interaction?.flowId ?? t.elementId ?? '') ??
                      place.elementIds.map((id) => lines.get(id)).find(Boolean) ??
                      1,
                  },
                },
              }
            : {}),
          logicalLocations: [...new Set(place.elementIds)].map((id) => logicalLocation(id, index)),
        },
      ],
      partialFingerprints: { 'bulwarkThreatId/v1': t.id },
      ...(suppressed ? { suppressions: suppressed } : {}),
      properties: {
        threatId: t.id,
        category: category(t.category),
        status: t.status,
        priority: t.priority,
        ...(t.outOfScope ? { outOfScope: true } : {}),
        ...(t.orphaned ? { orphaned: true } : {}),
      },
    };
  };
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Bulwark',
            ...(options.toolVersion !== undefined ? { version: options.toolVersion } : {}),
            rules,
          },
        },
        ...(options.modelUri !== undefined ? { artifacts: [{ location: { uri: options.modelUri } }] } : {}),
        results: JSON_ITEMS,
        properties: {
          model: model.metadata.name,
          template: { id: template.template.id, version: template.template.version },
        },
      },
    ],
  };
  yield* jsonParts(log, threats, result);
}

/** The model's threats as a SARIF 2.1.0 log, as one string (see renderSarifParts). */
export function renderSarif(model: ThreatModel, template: ResolvedTemplate, options: SarifOptions = {}): string {
  let text = '';
  for (const part of renderSarifParts(model, template, options)) text += part;
  return text;
}
