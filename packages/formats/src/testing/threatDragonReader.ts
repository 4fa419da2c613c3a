/**
 * Threat Dragon's own reading code, run on Bulwark's exports in tests: its schema check
 * (`schema/ajv.js`, with its own Ajv options) and its version 1 reader
 * (`migration/tdV1/threatDragonV1.js`, which builds X6 cells). The code stays in the corpus
 * (../shared/corpus/threat-dragon, see its SOURCES.md); it is bundled with esbuild into a temporary
 * directory when a test asks for it, with `@/i18n` and `@/store` stubbed, and never committed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = new URL('../../../../', import.meta.url).pathname;
/** Threat Dragon's sources in the corpus (td.vue/src). */
export const TD_SRC = join(ROOT, '../shared/corpus/threat-dragon/td.vue/src');

/** Why Threat Dragon's code cannot run here, or undefined when it can. */
export function cannotRunThreatDragon(): string | undefined {
  for (const f of ['service/schema/ajv.js', 'service/migration/tdV1/threatDragonV1.js', 'service/x6/shapes/index.js'])
    if (!existsSync(join(TD_SRC, f))) return `Threat Dragon's reading code is absent (${join(TD_SRC, f)})`;
  return undefined;
}

/** What Threat Dragon makes of a file. */
export interface ThreatDragonReader {
  /** Threat Dragon's v2 schema check, with its Ajv options: the errors, or null when the file passes. */
  checkV2(file: unknown): unknown[] | null;
  /** Threat Dragon's v1 schema check. */
  isV1(file: unknown): boolean;
  /** Threat Dragon's v1 reader: the version 2 model it converts the file into (throws where it crashes). */
  readV1(file: unknown): { detail: { diagrams: { cells: Record<string, unknown>[] }[] } };
}

const ENTRY = `
import ajv from '@/service/schema/ajv.js';
import tdV1 from '@/service/migration/tdV1/threatDragonV1.js';
export const checkV2 = (file) => ajv.checkV2(file);
export const isV1 = (file) => ajv.isV1(file);
export const readV1 = (file) => JSON.parse(JSON.stringify(tdV1.read(structuredClone(file))));
`;
/** \`tc\` answers the English text of a key, as Threat Dragon's i18n does. */
const I18N = `
import en from ${JSON.stringify(join(TD_SRC, 'i18n/en.json'))};
export const tc = (key) => key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), en) ?? key;
export default { get: () => ({ t: tc }) };
`;
const STORE = 'export default { get: () => ({ state: {} }) };';

let reader: Promise<ThreatDragonReader> | undefined;

/** Bundles Threat Dragon's reading code (once per test file) and loads it. */
export function threatDragonReader(): Promise<ThreatDragonReader> {
  reader ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-td-'));
    const out = join(dir, 'threatDragon.mjs');
    await build({
      stdin: { contents: ENTRY, resolveDir: TD_SRC, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: out,
      logLevel: 'silent',
      nodePaths: [join(ROOT, 'node_modules')],
      resolveExtensions: ['.js', '.json'],
      plugins: [
        {
          name: 'threat-dragon-paths',
          setup(b) {
            b.onResolve({ filter: /(^@\/|\/)i18n(\/index(\.js)?)?$/ }, () => ({ path: 'i18n', namespace: 'stub' }));
            b.onResolve({ filter: /^@\/store/ }, () => ({ path: 'store', namespace: 'stub' }));
            b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({
              contents: a.path === 'i18n' ? I18N : STORE,
              loader: 'js',
              resolveDir: TD_SRC,
            }));
            b.onResolve({ filter: /^@\// }, (a) =>
              b.resolve(`./${a.path.slice(2)}`, { resolveDir: TD_SRC, kind: a.kind }),
            );
          },
        },
      ],
    });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    try {
      return (await import(pathToFileURL(out).href)) as ThreatDragonReader;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return reader;
}

/** What an opened file holds, counted the same way for a Bulwark model and for what Threat Dragon read. */
export interface OpenedCounts {
  /** Actors, processes and stores. */
  nodes: number;
  flows: number;
  /** Flows attached at both ends to a node of their diagram. */
  attachedFlows: number;
  boundaries: number;
  threats: number;
}

/** Counts the X6 cells Threat Dragon's version 1 reader made. */
export function countRead(read: ReturnType<ThreatDragonReader['readV1']>): OpenedCounts {
  const counts: OpenedCounts = { nodes: 0, flows: 0, attachedFlows: 0, boundaries: 0, threats: 0 };
  for (const diagram of read.detail.diagrams) {
    const cells = diagram.cells as { id?: string; shape?: string; source?: Json; target?: Json; data?: Json }[];
    const nodes = new Set(cells.filter((c) => ['actor', 'process', 'store'].includes(c.shape ?? '')).map((c) => c.id));
    const attached = (end: Json | undefined) => nodes.has(String(end?.cell ?? end?.id ?? ''));
    counts.nodes += nodes.size;
    for (const c of cells) {
      if (c.shape === 'flow') {
        counts.flows++;
        if (attached(c.source) && attached(c.target)) counts.attachedFlows++;
      }
      if (c.shape === 'trust-boundary-curve') counts.boundaries++;
      counts.threats += Array.isArray(c.data?.threats) ? c.data.threats.length : 0;
    }
  }
  return counts;
}

type Json = Record<string, unknown>;
