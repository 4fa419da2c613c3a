/**
 * Files for the CLI: reading models (JSON or YAML, with line numbers for YAML problems) and
 * writing them atomically (temp file + fsync + rename), so a crash never leaves a torn file.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  bulwarkError,
  canonicalModel,
  embeddedTemplate,
  err,
  ok,
  parseModel,
  type Result,
  serializeModel,
  type Template,
  type ThreatModel,
} from '@bulwark/core';
import { detectFormat, tm7Format } from '@bulwark/formats';
import { jsonSyntaxError, parseYamlText, withJsonLines, withYamlLines } from '@bulwark/templates';
import { Document, isDocument } from 'yaml';
import { readTextFile, relatedFileReader } from './readTextFile.js';

/**
 * The largest model file the CLI reads: 500 MB, under the longest string JavaScript holds (512 MiB
 * characters), so a file under it is read whole; a .tm7 of 100,000 elements is about 470 MB.
 */
export const MAX_MODEL_BYTES = 500 * 1024 * 1024;

/** A model read from disk, with what is needed to write it back the same way. */
export interface LoadedModel {
  file: string;
  /** `json` or `yaml` for Bulwark's own files, else the id of the other tool's format it was read from (`tm7`, ...). */
  format: string;
  model: ThreatModel;
  /** For YAML files: the parsed document, so that writing back keeps comments. */
  yamlDocument?: Document;
  /** For files that embed their template (.tm7, a Bulwark model with `template.embedded`): that template. */
  template?: Template;
  /** What an import could not carry across. */
  warnings?: string[];
}

/** Whether a loaded model came from Bulwark's own file (JSON or YAML), not another tool's. */
export function isNative(loaded: LoadedModel): boolean {
  return loaded.format === 'json' || loaded.format === 'yaml';
}

/** Is this path a YAML model (by extension)? */
export function isYamlPath(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** The refusal of a model file (or a file it includes) over MAX_MODEL_BYTES. */
function tooLarge(size: number | undefined): string {
  return `File is ${size === undefined ? 'over' : `${Math.round(size / 1048576)} MB: over`} the ${MAX_MODEL_BYTES / 1048576} MB Bulwark reads (the longest text JavaScript holds is 512 MB). Keep a model this large as Bulwark JSON (a tenth of the size of the same model as a .tm7).`;
}

/** A model file's text: a regular file or a pipe, at most MAX_MODEL_BYTES (checked while reading). */
function readText(file: string): Result<string> {
  return readTextFile(file, { limit: MAX_MODEL_BYTES, tooLarge, kinds: 'regular-or-pipe' });
}

/** Reads and validates a model file. */
export function loadModel(file: string): Result<LoadedModel> {
  const text = readText(file);
  if (!text.ok) return text;
  // Another tool's file, recognised by content (a .tm7 by its name too, so a broken one says so).
  const foreign = /\.tm7$/i.test(file) ? tm7Format : detectFormat(text.value);
  if (foreign?.read) {
    // Includes: only regular files inside the model's folder tree (relatedFileReader).
    const imported = foreign.read(text.value, file, {
      readRelated: relatedFileReader(file, { limit: MAX_MODEL_BYTES, tooLarge }),
    });
    if (!imported.ok) return imported;
    const { model, template, warnings } = imported.value;
    return ok({ file, format: foreign.id, model, ...(template ? { template } : {}), warnings });
  }
  if (isYamlPath(file)) {
    const yaml = parseYamlText(text.value, file);
    if (!yaml.ok) return yaml;
    const model = parseModel(yaml.value.data, file);
    if (!model.ok) return err(withYamlLines(model.error, yaml.value.document, yaml.value.lines));
    const template = embeddedTemplate(model.value, file);
    if (!template.ok) return err(withYamlLines(template.error, yaml.value.document, yaml.value.lines));
    return ok({
      file,
      format: 'yaml',
      model: model.value,
      yamlDocument: yaml.value.document,
      ...(yaml.value.warnings.length > 0 ? { warnings: yaml.value.warnings } : {}),
      ...(template.value ? { template: template.value } : {}),
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text.value);
  } catch {
    return err(jsonSyntaxError(text.value, file, 'A .yaml or .yml extension reads the file as YAML.'));
  }
  const model = parseModel(data, file);
  if (!model.ok) return err(withJsonLines(model.error, text.value));
  // A template carried in the model (a converted .tm7's knowledge base) is the model's own, as in the .tm7.
  const template = embeddedTemplate(model.value, file);
  if (!template.ok) return err(withJsonLines(template.error, text.value));
  return ok({ file, format: 'json', model: model.value, ...(template.value ? { template: template.value } : {}) });
}

/** Pieces of text are encoded into a buffer of this many bytes, written when full. */
const WRITE_BUFFER = 4 << 20;

/**
 * Writes text, bytes, or text in pieces (written as they come, so a large report never sits in
 * memory whole) to a file atomically: a temp file beside it, fsync, then rename over it. When
 * anything fails, the temp file goes and the old file is as it was. The directory is synced after
 * the rename, and the temp files that earlier, killed writes of the file left are removed.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array | Iterable<string>): Result<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) writeAll(fd, content);
      else {
        // Each piece is encoded straight into one reused buffer (a UTF-16 unit is at most 3 UTF-8 bytes).
        const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
        let used = 0;
        for (const piece of content) {
          if (used + piece.length * 3 > buffer.length) {
            writeAll(fd, buffer.subarray(0, used));
            used = 0;
          }
          if (piece.length * 3 > buffer.length) writeAll(fd, piece);
          else used += buffer.write(piece, used);
        }
        writeAll(fd, buffer.subarray(0, used));
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    syncDirectory(dirname(file));
    removeStaleTemps(file);
    return ok(undefined);
  } catch (e) {
    rmSync(tmp, { force: true });
    return err(
      bulwarkError('IO', `Cannot write ${file}: ${e instanceof Error ? e.message : String(e)}. Nothing was changed.`, {
        file,
      }),
    );
  }
}

/**
 * fsync of the directory, so the rename itself survives a power loss or an OS crash (a kill -9
 * needs no more than the rename). Best effort: some systems (Windows) cannot open a directory.
 */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // The file is written; only its durability across a power loss is less certain here.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes the temp files an earlier write of `file` left when its process was killed (kill -9,
 * power loss) before its rename: `.<name>.<pid>.<time>.tmp` whose process is gone. A temp file
 * of a process that is still running (a concurrent write) is left alone.
 */
function removeStaleTemps(file: string): void {
  const prefix = `.${basename(file)}.`;
  try {
    for (const name of readdirSync(dirname(file))) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
      if (!m || processAlive(Number(m[1]))) continue;
      rmSync(join(dirname(file), name), { force: true });
    }
  } catch {
    // Tidying up is best effort: the file itself was written.
  }
}

/** Whether a process with this id exists (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** writeSync until every byte is written (one call may write fewer, e.g. on a full pipe or quota). */
function writeAll(fd: number, content: string | Uint8Array): void {
  let bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  while (bytes.length > 0) {
    const n = writeSync(fd, bytes);
    bytes = bytes.subarray(n);
  }
}

/** The text of a model in the format of the file it came from (YAML keeps comments). */
export function modelText(model: ThreatModel, format: 'json' | 'yaml', yamlDocument?: Document): string {
  if (format === 'json') return serializeModel(model);
  const canonical = canonicalModel(model);
  if (yamlDocument && isDocument(yamlDocument)) {
    // Replace only the top-level keys that changed, so comments elsewhere survive.
    const doc = yamlDocument.clone();
    const current = doc.toJS() as Record<string, unknown>;
    for (const [key, value] of Object.entries(canonical)) {
      if (JSON.stringify(current[key]) !== JSON.stringify(value)) doc.set(key, doc.createNode(value));
    }
    return doc.toString({ lineWidth: 0 });
  }
  return new Document(canonical).toString({ lineWidth: 0 });
}
