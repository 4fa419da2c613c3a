/** Every command of the CLI, registered in this order (one file per command). */
import type { Command } from 'commander';
import * as analyze from './analyze.js';
import * as check from './check.js';
import * as convert from './convert.js';
import * as db from './db.js';
import * as diff from './diff.js';
import * as init from './init.js';
import * as interactions from './interactions.js';
import * as render from './render.js';
import * as report from './report.js';
import * as serve from './serve.js';
import * as signoff from './signoff.js';
import * as templates from './templates.js';
import * as tokens from './tokens.js';
import * as users from './users.js';
import * as validate from './validate.js';

/** The command modules; a registry test checks every file here is listed. */
export const COMMANDS: Record<string, { register: (program: Command) => void }> = {
  init,
  validate,
  analyze,
  check,
  interactions,
  render,
  report,
  signoff,
  diff,
  convert,
  templates,
  serve,
  users,
  tokens,
  db,
};
