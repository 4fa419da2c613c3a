/** The `bulwark` command: parses arguments, runs a command, maps failures to exit codes. */
import { bulwarkError } from '@bulwark/core';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { CliFailure, EXIT, printError, VERSION } from './context.js';

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('bulwark')
    .description('Bulwark threat modeling: data-flow diagrams, rule-based threats, triage, diff.')
    .version(VERSION)
    .option('--debug', 'print stack traces for unexpected errors')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const command of Object.values(COMMANDS)) command.register(program);
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const nested of sub.commands) nested.exitOverride();
  }
  return program;
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof CliFailure) {
      printError(e.error);
      return e.exitCode;
    }
    if (debug) process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    printError(
      bulwarkError(
        'IO',
        `Unexpected error: ${e instanceof Error ? e.message : String(e)}. Run again with --debug for details, and please report it.`,
      ),
    );
    return EXIT.input;
  }
}
