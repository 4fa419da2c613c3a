/**
 * Templates imported by the user (`bulwark templates import`), kept as JSON files in
 * `.bulwark/templates/` under the current directory (or $BULWARK_TEMPLATES_DIR), so that a
 * repository's models and the templates they name travel together in git.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bulwarkError, err, ok, parseTemplate, type Result, type Template } from '@bulwark/core';
import { writeFileAtomic } from './io.js';

/** Where imported templates are kept. */
export function templatesDir(): string {
  return resolve(process.env.BULWARK_TEMPLATES_DIR ?? join(process.cwd(), '.bulwark', 'templates'));
}

function fileFor(id: string): string {
  return join(templatesDir(), `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** Saves a template under its id; returns the file it was written to. */
export function saveUserTemplate(template: Template): Result<string> {
  const file = fileFor(template.id);
  try {
    mkdirSync(templatesDir(), { recursive: true });
  } catch (e) {
    return err(bulwarkError('IO', `Cannot create ${templatesDir()}: ${e instanceof Error ? e.message : String(e)}.`));
  }
  const written = writeFileAtomic(file, `${JSON.stringify(template, null, 2)}\n`);
  return written.ok ? ok(file) : written;
}

/** The imported template with this id, if there is one. */
export function findUserTemplate(id: string): Result<Template> | undefined {
  const file = fileFor(id);
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return err(
      bulwarkError(
        'TEMPLATE_INVALID',
        `Imported template is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`,
        { file },
      ),
    );
  }
  return parseTemplate(data, file);
}

/** Every imported template that parses. */
export function listUserTemplates(): Template[] {
  const dir = templatesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => findUserTemplate(f.replace(/\.json$/, '')))
    .flatMap((r) => (r?.ok ? [r.value] : []));
}
