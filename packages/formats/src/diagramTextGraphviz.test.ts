/**
 * The DOT Bulwark writes, read by Graphviz itself (Debian's graphviz, installed by .ci/run): the
 * structure it parses and the labels it shows, with hostile names too. Skips, saying why, when
 * there is no `dot` on the machine. Every example and every corpus model that converts goes through
 * `dot -Tsvg`, which must give exactly one SVG document that parses as XML, with a node per shape.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseModel } from '@bulwark/core';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { writeDot } from './diagramText.js';
import { diagramModels } from './testing/diagramModels.js';

const DOT = spawnSync('dot', ['-V'], { encoding: 'utf8' });
const present = DOT.status === 0;
if (!present) console.warn('skipping the Graphviz check: no `dot` here (apt-get install graphviz)');

interface GvJson {
  objects?: { name: string; label?: string; nodes?: number[] }[];
  edges?: { tail: number; head: number; label?: string; dir?: string }[];
}

/** The texts Graphviz draws for one digraph (SVG <text> contents, entities decoded). */
function drawnTexts(dot: string): string[] {
  const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dot refused the file: ${r.stderr}`);
  const entities: Record<string, string> = {
    '&quot;': '"',
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&#45;': '-',
    '&#39;': "'",
  };
  return [...r.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '').replace(/&(?:quot|amp|lt|gt|#45|#39);/g, (e) => entities[e] ?? e),
  );
}

/** What Graphviz parses of one digraph, as JSON (it fails on a syntax error). */
function graphviz(dot: string): GvJson {
  const r = spawnSync('dot', ['-Tjson0'], { input: dot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dot refused the file: ${r.stderr}`);
  return JSON.parse(r.stdout) as GvJson;
}

describe.skipIf(!present)('DOT read by Graphviz', () => {
  it('parses the infrastructure example: every shape a node, every flow an edge, boundaries as clusters', () => {
    const parsed = parseModel(
      JSON.parse(readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8')),
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const model = parsed.value;
    const diagram = model.diagrams[0];
    if (!diagram) throw new Error('no diagram');
    const out = graphviz(writeDot({ ...model, diagrams: [diagram] }).text);
    const shapes = diagram.elements.filter(
      (e) => e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity',
    );
    const labels = (out.objects ?? []).map((o) => o.label);
    for (const s of shapes) expect(labels.some((l) => l?.includes(s.name.split(/\s+/)[0] ?? ''))).toBe(true);
    const clusters = (out.objects ?? []).filter((o) => o.name.startsWith('cluster_'));
    expect(clusters.length).toBe(
      diagram.elements.filter((e) => e.kind === 'trustBoundary' && e.shape === 'box').length,
    );
    expect(out.edges?.length).toBe(diagram.elements.filter((e) => e.kind === 'dataFlow').length);
  });

  it('keeps hostile names as labels: no injected node, edge or cluster', () => {
    const hostile = 'Web"]; evil [label="x} subgraph cluster_9 { "\\';
    const model = parseModel({
      schemaVersion: 1,
      metadata: { name: 'Hostile' },
      template: { id: 'stride' },
      diagrams: [
        {
          id: 'd',
          name: 'D',
          elements: [
            { kind: 'process', id: 'p1', typeId: 'GE.P', name: hostile },
            { kind: 'dataStore', id: 's1', typeId: 'GE.DS', name: 'Line\nbreak "and" quotes' },
            {
              kind: 'dataFlow',
              id: 'f1',
              typeId: 'GE.DF',
              name: 'in" ] ; n1 -> n2 [label="',
              source: 'p1',
              target: 's1',
            },
          ],
        },
      ],
    });
    if (!model.ok) throw new Error(model.error.message);
    const out = graphviz(writeDot(model.value).text);
    const nodes = (out.objects ?? []).filter((o) => !o.name.startsWith('cluster_'));
    expect(nodes.length).toBe(2);
    expect((out.objects ?? []).some((o) => o.name.startsWith('cluster_'))).toBe(false);
    expect(out.edges?.length).toBe(1);
    // Drawn as the names are (a final backslash gets a space, line breaks break the line).
    const texts = drawnTexts(writeDot(model.value).text);
    expect(texts).toContain(`${hostile} `);
    expect(texts).toContain('in" ] ; n1 -> n2 [label="');
    expect(texts).toContain('break "and" quotes');
  });
});

/** What is wrong with the SVG Graphviz draws of a model's DOT, or undefined when it is one good document. */
function svgProblem(dot: string, shapes: number): string | undefined {
  const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return `dot refused the file: ${r.stderr}`;
  const documents = r.stdout.match(/<svg[\s>]/g)?.length ?? 0;
  if (documents !== 1) return `${documents} SVG documents`;
  const parser = new SaxesParser();
  let problem: string | undefined;
  parser.on('error', (e) => {
    problem ??= `not XML: ${e.message}`;
  });
  parser.write(r.stdout.replace(/<!DOCTYPE[^>]*>/, '')).close();
  const nodes = r.stdout.match(/class="node"/g)?.length ?? 0;
  return problem ?? (nodes === shapes ? undefined : `${nodes} nodes drawn for ${shapes} shapes`);
}

describe.skipIf(!present)('DOT of every example and corpus model, drawn by Graphviz', () => {
  it('gives one SVG document that parses, with a node for every shape of every diagram', () => {
    const models = diagramModels();
    const failures: string[] = [];
    for (const { file, model } of models) {
      const shapes = model.diagrams.reduce(
        (n, d) => n + d.elements.filter((e) => e.kind !== 'dataFlow' && e.kind !== 'trustBoundary').length,
        0,
      );
      const problem = svgProblem(writeDot(model).text, shapes);
      if (problem) failures.push(`${file}: ${problem}`);
    }
    console.info(`dot -Tsvg: ${models.length - failures.length} of ${models.length} models give one good SVG`);
    expect(failures).toEqual([]);
  }, 300_000);
});
