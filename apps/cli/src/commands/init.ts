/** `bulwark init <file>`: a new model with a small starter diagram for the chosen template. */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { bulwarkError, SCHEMA_VERSION, type ThreatModel } from '@bulwark/core';
import { BUILTIN_TEMPLATE_IDS, isBuiltinTemplate, loadResolvedTemplate } from '@bulwark/templates';
import type { Command } from 'commander';
import { CliFailure, orFail } from '../context.js';
import { isYamlPath, modelText, writeFileAtomic } from '../io.js';
import { out } from '../output.js';

/** A starter model: a user, a process and a store across a trust boundary. */
export function starterModel(name: string, templateId: string, templateVersion: string): ThreatModel {
  return {
    schemaVersion: SCHEMA_VERSION,
    metadata: {
      name,
      owner: '',
      reviewer: '',
      contributors: [],
      description: 'What the system does, who uses it, and what it keeps.',
      assumptions: [],
      externalDependencies: [],
    },
    template: { id: templateId, version: templateVersion },
    assets: [],
    diagrams: [
      {
        id: 'context',
        name: 'Context',
        elements: [
          {
            kind: 'trustBoundary',
            shape: 'box',
            id: 'internet',
            typeId: 'GE.TB.B',
            name: 'Internet',
            position: { x: 20, y: 60, width: 200, height: 200 },
          },
          {
            kind: 'externalEntity',
            id: 'user',
            typeId: 'GE.EI',
            name: 'User',
            position: { x: 60, y: 130, width: 120, height: 60 },
          },
          {
            kind: 'process',
            id: 'app',
            typeId: 'GE.P',
            name: 'Application',
            position: { x: 320, y: 120, width: 80, height: 80 },
          },
          {
            kind: 'dataStore',
            id: 'store',
            typeId: 'GE.DS',
            name: 'Data store',
            position: { x: 520, y: 130, width: 120, height: 60 },
          },
          {
            kind: 'dataFlow',
            id: 'user-app',
            typeId: 'GE.DF',
            name: 'Requests',
            source: 'user',
            target: 'app',
            bidirectional: true,
          },
          {
            kind: 'dataFlow',
            id: 'app-store',
            typeId: 'GE.DF',
            name: 'Reads and writes',
            source: 'app',
            target: 'store',
            bidirectional: true,
          },
        ],
      },
    ],
    threats: [],
  };
}

export function register(program: Command): void {
  program
    .command('init')
    .description('create a new model file with a starter diagram')
    .argument('<file>', 'the model to create: name.bulwark.json, or name.bulwark.yaml')
    .option('-t, --template <id>', `built-in template: ${BUILTIN_TEMPLATE_IDS.join(', ')}`, 'stride')
    .option('-n, --name <name>', 'model name (default: from the file name)')
    .option('--force', 'overwrite the file if it exists')
    .action((file: string, opts: { template: string; name?: string; force?: boolean }) => {
      if (!isBuiltinTemplate(opts.template)) {
        throw new CliFailure(
          bulwarkError('USAGE', `Unknown template "${opts.template}": use one of ${BUILTIN_TEMPLATE_IDS.join(', ')}.`),
        );
      }
      if (existsSync(file) && !opts.force) {
        throw new CliFailure(
          bulwarkError('IO', `${file} already exists; nothing was written. Use --force to replace it.`, { file }),
        );
      }
      const template = orFail(loadResolvedTemplate(opts.template));
      const name = opts.name ?? basename(file).replace(/\.bulwark\.(json|ya?ml)$|\.(json|ya?ml)$/i, '');
      const model = starterModel(name, opts.template, template.template.version);
      orFail(writeFileAtomic(file, modelText(model, isYamlPath(file) ? 'yaml' : 'json')));
      process.stdout.write(
        `${out.green('created')} ${file} (template ${opts.template} ${template.template.version})\nnext: bulwark analyze ${file} --write\n`,
      );
    });
}
