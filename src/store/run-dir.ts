/**
 * The run folder: `runs/<name>/` (a sub-run: `runs/<run>/<stage>/`, named `<run>/<stage>`) holds the store
 * (`epo.sqlite`), the resolved config (`config.yaml`), the structured log (`log.jsonl`) and outputs (summaries,
 * datasets, checkpoints). EPO_RUNS_DIR moves the parent folder.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EpoError } from '../core/errors.js';

export interface RunDir {
  name: string;
  dir: string;
  store: string;
  config: string;
  log: string;
}

export function runsRoot(): string {
  return resolve(process.env.EPO_RUNS_DIR ?? 'runs');
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A run by name, or by path to a sub-run inside a run's folder (`demo/it3-eval`: a self-play stage). */
export function runDir(given: string, root = runsRoot()): RunDir {
  const name = given.endsWith('/') ? given.slice(0, -1) : given;
  const segments = name.split('/');
  if (!segments.every((s) => SEGMENT.test(s))) {
    throw new EpoError('BAD_INPUT', `run name "${given}" may only use letters, digits, ".", "_" and "-" (and must not start with a dot); a sub-run is named by its path under runs/, e.g. demo/it3-eval`, { where: '--run' });
  }
  const dir = join(root, ...segments);
  return { name, dir, store: join(dir, 'epo.sqlite'), config: join(dir, 'config.yaml'), log: join(dir, 'log.jsonl') };
}

export function ensureRunDir(name: string, root?: string): RunDir {
  const r = runDir(name, root);
  mkdirSync(r.dir, { recursive: true });
  return r;
}

/** The folder of a run that must already exist (it has a store), or a NOT_FOUND error naming it. */
export function existingRunDir(name: string, root?: string): RunDir {
  const r = runDir(name, root);
  if (!existsSync(r.store)) throw new EpoError('NOT_FOUND', `run "${name}" has no store (start it with \`epo eval\`, \`epo selfplay\` or \`epo episodes import\`)`, { where: r.store });
  return r;
}
