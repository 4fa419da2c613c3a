/**
 * The models the diagram-text checks run over: the repository's examples and, when
 * ../shared/corpus is there, every corpus file that one of the formats reads into a model
 * (recognised by content, as `bulwark convert` does). Test helper: reads the disk.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bulwarkError, err, ok, parseModel, type ThreatModel } from '@bulwark/core';
import { parse as parseYaml } from 'yaml';
import { detectFormat } from '../registry.js';

const ROOT = new URL('../../../../', import.meta.url).pathname;
/** Where the corpus of other tools' files is. */
export const CORPUS = join(ROOT, '../shared/corpus');
/** Corpus files larger than this are not read (none of the models is). */
const MAX_BYTES = 20_000_000;

/** Each model with the file it came from (relative to the repository or the corpus). */
export function diagramModels(): { file: string; model: ThreatModel }[] {
  const out: { file: string; model: ThreatModel }[] = [];
  for (const name of readdirSync(join(ROOT, 'examples'))) {
    if (!/\.bulwark\.(json|ya?ml)$/.test(name)) continue;
    const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
    const parsed = parseModel(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
    if (parsed.ok) out.push({ file: `examples/${name}`, model: parsed.value });
  }
  if (!existsSync(CORPUS)) return out;
  const names = readdirSync(CORPUS, { recursive: true }).map(String).sort();
  for (const name of names) {
    const full = join(CORPUS, name);
    if (!/\.(json|ya?ml|tm7|otm)$/i.test(name) || !statSync(full).isFile() || statSync(full).size > MAX_BYTES) continue;
    const text = readFileSync(full, 'utf8');
    const format = detectFormat(text);
    const readRelated = (path: string) => {
      const related = join(dirname(full), path);
      return existsSync(related)
        ? ok(readFileSync(related, 'utf8'))
        : err(bulwarkError('IO', `${path} does not exist`));
    };
    const read = format?.read?.(text, name, { readRelated });
    if (read?.ok && read.value.model.diagrams.length > 0) out.push({ file: `corpus/${name}`, model: read.value.model });
  }
  return out;
}
