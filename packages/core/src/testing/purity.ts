/**
 * The purity check for packages that must run anywhere (core, report): what their non-test
 * sources import beyond `allowed` and their own files, and any eval / new Function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every non-test source file under `dir` (test helpers in testing/ and folders in `skip` excluded). */
function sources(dir: string, skip: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || skip.includes(e.name) ? [] : sources(p, skip);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** One line per offence: `file: imports x` or `file: eval/new Function`. */
export function impurities(dir: string, allowed: readonly string[], skip: readonly string[] = []): string[] {
  const offenders: string[] = [];
  for (const file of sources(dir, skip)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
      const spec = m[1] as string;
      if (!allowed.includes(spec) && !spec.startsWith('./') && !spec.startsWith('../'))
        offenders.push(`${file}: imports ${spec}`);
    }
    if (/\beval\s*\(|new Function\s*\(/.test(text)) offenders.push(`${file}: eval/new Function`);
  }
  return offenders;
}
