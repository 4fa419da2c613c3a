/** `bulwark diff <a> <b>`: what changed between two versions of a model. */
import { bulwarkError, diffModels, type FieldChange, isEmptyDiff, type ModelDiff } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure, orFail } from '../context.js';
import { loadModel } from '../io.js';
import { out } from '../output.js';

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function changes(list: FieldChange[]): string {
  return list.map((c) => `${c.field}: ${show(c.from)} -> ${show(c.to)}`).join('; ');
}

/** The diff as text, one line per change. */
export function diffText(diff: ModelDiff): string {
  if (isEmptyDiff(diff)) return 'no differences\n';
  const lines: string[] = [];
  if (diff.metadata.length > 0) lines.push(`${out.yellow('~')} metadata: ${changes(diff.metadata)}`);
  for (const d of diff.diagrams.added) lines.push(`${out.green('+')} diagram "${d.name}" (${d.id})`);
  for (const d of diff.diagrams.removed) lines.push(`${out.red('-')} diagram "${d.name}" (${d.id})`);
  for (const d of diff.diagrams.changed) lines.push(`${out.yellow('~')} diagram "${d.name}": ${changes(d.changes)}`);
  for (const e of diff.elements.added) lines.push(`${out.green('+')} ${e.kind} "${e.name}" (${e.id})`);
  for (const e of diff.elements.removed) lines.push(`${out.red('-')} ${e.kind} "${e.name}" (${e.id})`);
  for (const e of diff.elements.changed)
    lines.push(`${out.yellow('~')} ${e.kind} "${e.name}" (${e.id}): ${changes(e.changes)}`);
  for (const t of diff.threats.added) lines.push(`${out.green('+')} threat [${t.priority}] ${t.title} (${t.id})`);
  for (const t of diff.threats.removed) lines.push(`${out.red('-')} threat [${t.priority}] ${t.title} (${t.id})`);
  for (const t of diff.threats.changed)
    lines.push(`${out.yellow('~')} threat ${t.title} (${t.id}): ${changes(t.changes)}`);
  const count = (o: Record<string, unknown[]>) => Object.values(o).reduce((n, l) => n + l.length, 0);
  lines.push(
    '',
    `${count(diff.elements)} element change(s), ${count(diff.threats)} threat change(s), ${count(diff.diagrams)} diagram change(s)${diff.metadata.length ? ', metadata changed' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('diff')
    .description('show what changed between two versions of a model (elements, threats, triage)')
    .argument('<before>', 'the older model file')
    .argument('<after>', 'the newer model file')
    .option('--format <format>', 'text or json', 'text')
    .action((before: string, after: string, opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw new CliFailure(bulwarkError('USAGE', `Unknown format "${opts.format}": use text or json.`));
      const a = orFail(loadModel(before)).model;
      const b = orFail(loadModel(after)).model;
      const diff = diffModels(a, b);
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : diffText(diff));
    });
}
