/**
 * The runs a viewer shows: every folder under the runs folder with a store (`epo.sqlite`), and the sub-runs inside a
 * run folder (self-play's `it3-eval`, `it3-rollouts`), named by their path from the runs folder (`demo/it3-eval`).
 * Run names given in URLs are checked against the same rule as run folders, so no name reaches outside the folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';

export interface RunRef {
  /** Path from the runs folder: `name` or `name/sub`. */
  id: string;
  dir: string;
  store: string;
  /** The run folder this one lives in (sub-runs). */
  parent?: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const STORE = 'epo.sqlite';

const subdirs = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && SEGMENT.test(d.name)).map((d) => d.name).sort();
  } catch { return []; }
};

/** Runs and sub-runs in the runs folder: a run, then its sub-runs, in name order. */
export function listRuns(root: string): RunRef[] {
  const out: RunRef[] = [];
  for (const name of subdirs(root)) {
    const dir = join(root, name);
    if (existsSync(join(dir, STORE))) out.push({ id: name, dir, store: join(dir, STORE) });
    for (const sub of subdirs(dir)) {
      const sdir = join(dir, sub);
      if (existsSync(join(sdir, STORE))) out.push({ id: `${name}/${sub}`, dir: sdir, store: join(sdir, STORE), parent: name });
    }
  }
  return out;
}

/** The run a URL or `--run` names (`name` or `name/sub`), or an error saying what is wrong. */
export function resolveRun(root: string, id: string, where = 'run'): RunRef {
  const parts = id.split('/');
  if (parts.length > 2 || !parts.every((p) => SEGMENT.test(p))) {
    throw new EpoError('BAD_INPUT', `"${id}" is not a run name: use a run folder's name, or run/sub-run (e.g. demo/it3-eval)`, { where });
  }
  const dir = join(root, ...parts);
  const store = join(dir, STORE);
  if (!existsSync(store) || !statSync(store).isFile()) throw new EpoError('NOT_FOUND', `run "${id}" has no store in ${root}`, { where: store });
  return { id, dir, store, ...(parts.length === 2 ? { parent: parts[0] } : {}) };
}
