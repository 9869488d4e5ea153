/** Driving `epo eval` from tests: in-process through commander, or as a child process (for kill-and-resume). */
import { spawn, type ChildProcess } from 'node:child_process';
import { Command } from 'commander';
import { registerEval } from '../../src/cli/commands/eval.js';
import { registerRuns } from '../../src/cli/commands/runs.js';

/** Run `epo <args>` in this process; resolves when the command finishes. */
export async function runCli(args: string[]): Promise<void> {
  const program = new Command('epo').enablePositionalOptions().exitOverride();
  registerEval(program);
  registerRuns(program);
  await program.parseAsync(['node', 'epo', ...args]);
}

/** Start `epo <args>` as a child process (tsx), with extra environment variables. */
export function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
