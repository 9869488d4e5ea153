#!/usr/bin/env node
/** The `epo` command line: parses flags, wires the layers together, prints. All logic lives below src/cli. */
import { Command } from 'commander';
import { describeError, EpoError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import { codeVersion } from '../core/version.js';
import { registerBuiltins } from '../builtins.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('epo')
    .description('Explicit Policy Optimization: a strategist LLM guides an actor LLM; train the strategist with multi-turn RL')
    .version(codeVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // a command's options are read before its subcommand only (`eval` has flags of its own and subcommands)
    .enablePositionalOptions()
    .configureHelp({ sortSubcommands: false });
  for (const register of commands) register(program);
  return program;
}

async function main(): Promise<void> {
  try {
    registerBuiltins();
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof EpoError) {
      process.stderr.write(redact(`error [${e.code}]: ${e.message}`) + '\n');
      process.exitCode = e.code === 'INTERRUPTED' ? 130 : 2;
    } else {
      process.stderr.write(redact(`unexpected error: ${describeError(e)}`) + '\n');
      if (process.env.EPO_DEBUG && e instanceof Error && e.stack) process.stderr.write(redact(e.stack) + '\n');
      process.exitCode = 1;
    }
  }
}

// EPIPE when piped into `head`: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });

await main();
