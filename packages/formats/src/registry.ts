/**
 * Every model format this package reads or writes (see format.ts), in the order detection tries
 * them: the most specific first. Each format's own file exports its `ModelFormat`; this list is
 * the one place that names them all.
 */
import { dotFormat, mermaidFormat } from './diagramText.js';
import type { ModelFormat } from './format.js';
import { otmFormat } from './otm.js';
import { threagileFormat } from './threagile.js';
import { threatComposerFormat } from './threatComposer.js';
import { threatDragonFormat, threatDragonV1Format } from './threatDragon.js';
import { tm7Format } from './tm7.js';
import { tmBomCycloneDxFormat, tmBomFormat } from './tmBom.js';

export const MODEL_FORMATS: readonly ModelFormat[] = [
  tm7Format,
  threagileFormat,
  otmFormat,
  tmBomFormat,
  tmBomCycloneDxFormat,
  threatComposerFormat,
  threatDragonFormat,
  threatDragonV1Format,
  mermaidFormat,
  dotFormat,
];

/** The format of a file's text, by content; undefined when no format knows it (a Bulwark model, say). */
export function detectFormat(text: string): ModelFormat | undefined {
  return MODEL_FORMATS.find((f) => f.detect?.(text) === true);
}

/** Endings too general to name one format: a `.json` or `.yaml` file is Bulwark's own unless a format is asked for. */
export const GENERIC_ENDINGS: ReadonlySet<string> = new Set(['.json', '.yaml', '.yml']);

/**
 * The format that writes a file of this name, by its ending: the longest specific ending wins
 * (`.cdx.json` names TM-BOM's CycloneDX wrapping, `.tmbom.json` the Threat Model Library JSON);
 * undefined when only a generic ending matches (see GENERIC_ENDINGS).
 */
export function writerForFileName(file: string): ModelFormat | undefined {
  const lower = file.toLowerCase();
  let found: { format: ModelFormat; length: number } | undefined;
  for (const format of MODEL_FORMATS)
    for (const ext of format.write ? format.extensions : [])
      if (!GENERIC_ENDINGS.has(ext) && lower.endsWith(ext) && ext.length > (found?.length ?? 0))
        found = { format, length: ext.length };
  return found?.format;
}

/** A format by id. */
export function formatById(id: string): ModelFormat | undefined {
  return MODEL_FORMATS.find((f) => f.id === id);
}
