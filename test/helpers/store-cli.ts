/**
 * Store fixtures and an in-process `epo` for the run-store commands: runs under a temporary EPO_RUNS_DIR, made of
 * episodes that follow an evaluation protocol, and the command's stdout, stderr, exit code and error.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode, ModelRef } from '../../src/core/episode.js';
import { EpoError } from '../../src/core/errors.js';
import { deriveSeed } from '../../src/core/random.js';
import { commands } from '../../src/cli/commands/index.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeEpisode } from './episodes.js';

export const ACTOR = { spec: 'scripted:rule-actor', temperature: 0, maxTokens: 256 };
export const STRATEGIST = { spec: 'scripted:echo', temperature: 0, maxTokens: 256 };

/** The protocol `epo eval` records; `mode` decides the models. */
export function protocolOf(mode: 'actor-only' | 'epo', taskCount: number) {
  const models: Record<string, ModelRef> = mode === 'epo' ? { strategist: STRATEGIST, actor: ACTOR } : { actor: ACTOR };
  return {
    env: 'alfworld', dataVersion: 'd1', split: 'valid_unseen', taskCount, trials: 1, mode,
    models,
    seed: 0, maxSteps: 40, showAdmissible: true, example: 'none', codeVersion: 'test',
  };
}

/** Episode i of an evaluation in this mode (seeded as `epo eval --seed 0` seeds it). */
export function evalEpisode(i: number, mode: 'actor-only' | 'epo', run = 'r', over: Partial<Episode> = {}): Episode {
  const e = makeEpisode(i, { run, dataVersion: 'd1', seed: deriveSeed(0, `task-${i}`, 0), models: protocolOf(mode, 1).models, ...over });
  if (mode === 'actor-only') for (const t of e.turns) delete t.strategist;
  e.outcome = { ...e.outcome, mode }; // as runEpisode records it
  return e;
}

/** A run as `epo eval` leaves it: the protocol and episodes 0..n-1. */
export function makeRun(runs: string, name: string, mode: 'actor-only' | 'epo', n: number): string {
  const path = join(runs, name, 'epo.sqlite');
  const s = RunStore.open(path);
  s.setMeta('protocol', protocolOf(mode, n));
  for (let i = 0; i < n; i++) s.putEpisode(evalEpisode(i, mode, name));
  s.close();
  return path;
}

export const writeJsonl = (path: string, lines: unknown[]): string => {
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
};

export interface CliResult { out: string; err: string; code: number; error?: Error }

/** Run `epo <args>` in this process, as main.ts would (errors printed as `error [CODE]: …`, exit code 2). */
export async function epo(args: string[]): Promise<CliResult> {
  const program = new Command('epo').enablePositionalOptions().exitOverride();
  for (const register of commands) register(program);
  let out = '', err = '';
  const write = (into: 'out' | 'err') => (chunk: string | Uint8Array) => {
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (into === 'out') out += s; else err += s;
    return true;
  };
  const o = process.stdout.write, e = process.stderr.write;
  process.stdout.write = write('out') as typeof process.stdout.write;
  process.stderr.write = write('err') as typeof process.stderr.write;
  process.exitCode = undefined;
  let error: Error | undefined;
  try {
    await program.parseAsync(['node', 'epo', ...args]);
  } catch (x) {
    error = x as Error;
    if (x instanceof EpoError) err += `error [${x.code}]: ${x.message}\n`;
    else err += `unexpected error: ${String(x)}\n`;
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
  const code = error ? (error instanceof EpoError ? 2 : 1) : Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { out, err, code, error };
}
