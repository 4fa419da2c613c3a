/**
 * `bulwark signoff <model> --by NAME [--note TEXT]`: a reviewer signs off the model as it is in the
 * file, for models kept in git. The sign-off goes into the file's review section with the model's
 * digest (core's modelDigest), so any later change shows: `bulwark signoff --status` and
 * `bulwark check --require-signoff` tell. The threats must be current (analysed), so a reviewer
 * never signs off threats the template would no longer produce, nor misses new ones.
 */
import { analyze, bulwarkError, modelDigest, type SignOff, type ThreatModel } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure, EXIT, loadModelAndTemplate, orFail } from '../context.js';
import { isNative, modelText, writeFileAtomic } from '../io.js';
import { out } from '../output.js';

/** The model's last sign-off and whether the model changed after it. */
export function signOffState(model: ThreatModel): { last?: SignOff; changed: boolean } {
  const last = model.review?.signOffs?.at(-1);
  return { ...(last ? { last } : {}), changed: last === undefined || last.digest !== modelDigest(model) };
}

/** One line on a model's sign-off, as people read it. */
export function describeSignOff(file: string, model: ThreatModel): string {
  const { last, changed } = signOffState(model);
  if (!last) return `${file} has not been signed off.`;
  const when = last.at.slice(0, 10);
  return changed
    ? `${file} has changed since ${last.by} signed it off on ${when}.`
    : `${file} is as ${last.by} signed it off on ${when}${last.note ? ` ("${last.note}")` : ''}.`;
}

export function register(program: Command): void {
  program
    .command('signoff')
    .description("sign off the model as a reviewer (recorded in the file with the model's digest), or show its state")
    .argument('<model>', 'model file (.bulwark.json or .bulwark.yaml)')
    .option('--by <name>', 'who signs off (the reviewer)')
    .option('--note <text>', 'what the reviewer has to say, e.g. conditions')
    .option('-t, --template <idOrFile>', "template to check the threats against (default: the model's own)")
    .option('--status', 'only say whether the model is signed off and unchanged since (exit 1 when not)')
    .action((file: string, opts: { by?: string; note?: string; template?: string; status?: boolean }) => {
      const { loaded, template } = loadModelAndTemplate(file, opts.template);
      if (opts.status) {
        const line = describeSignOff(file, loaded.model);
        const { changed } = signOffState(loaded.model);
        process.stdout.write(`${changed ? out.red('not signed off') : out.green('signed off')}: ${line}\n`);
        if (changed) process.exitCode = EXIT.input;
        return;
      }
      if (opts.by === undefined || opts.by.trim() === '')
        throw new CliFailure(bulwarkError('USAGE', 'Say who signs off: --by "Your Name" (or --status to only look).'));
      if (!isNative(loaded))
        throw new CliFailure(
          bulwarkError(
            'USAGE',
            `A ${loaded.format === 'tm7' ? '.tm7' : `${loaded.format}`} file cannot hold a sign-off: convert it first (bulwark convert ${file} -o model.bulwark.json).`,
          ),
        );
      const analysed = analyze(loaded.model, template).model;
      const digest = modelDigest(loaded.model);
      if (modelDigest(analysed) !== digest)
        throw new CliFailure(
          bulwarkError(
            'USAGE',
            `The threats in ${file} are not current for its diagram and template: run \`bulwark analyze ${file} --write\`, triage what changed, then sign off.`,
            { file },
          ),
        );
      const signOff: SignOff = {
        by: opts.by.trim(),
        at: new Date().toISOString(),
        digest,
        ...(opts.note ? { note: opts.note } : {}),
      };
      const next: ThreatModel = {
        ...loaded.model,
        review: { ...loaded.model.review, signOffs: [...(loaded.model.review?.signOffs ?? []), signOff] },
      };
      orFail(writeFileAtomic(file, modelText(next, loaded.format === 'yaml' ? 'yaml' : 'json', loaded.yamlDocument)));
      process.stderr.write(`${out.green('signed off')} ${file} as ${signOff.by} (digest ${digest.slice(0, 12)}…)\n`);
    });
}
