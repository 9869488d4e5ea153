/**
 * ALFWorld task lists: the game files of a split (or any folder), their task type from the folder name, and an
 * order: the reference evaluation order (`splits/gamefile_id.txt`, valid_unseen only; other splits fall back to
 * sorted), sorted ids, or a seeded shuffle. Ids are `<task folder>/<trial>`, stable across machines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Task } from '../../core/env.js';
import { EpoError } from '../../core/errors.js';
import { createRng } from '../../core/random.js';
import { dataDir, datasetDir } from '../../data/dir.js';
import { parseTaskType, TASK_TYPES } from './task-types.js';

export interface AlfworldTask extends Task {
  gamefile: string;
  /** pick_and_place_simple, look_at_obj_in_light, pick_clean_then_place_in_recep, pick_heat_then_place_in_recep,
   * pick_cool_then_place_in_recep, pick_two_obj_and_place (from the task folder's name). */
  type: string;
}

export { TASK_TYPES } from './task-types.js';

export const SPLITS: Record<string, string> = {
  valid_seen: 'json_2.1.1/valid_seen',
  valid_unseen: 'json_2.1.1/valid_unseen',
  valid_train: 'json_2.1.1/valid_train',
  train: 'json_2.1.1/train',
  dev: 'json_2.1.1/valid_seen',
  test: 'json_2.1.1/valid_unseen',
};

export interface LoadTasksOptions {
  /** 'valid_seen' | 'valid_unseen' | 'train' | 'valid_train' (also 'dev'/'test'), or a directory. */
  split: string;
  order?: 'reference' | 'sorted' | 'shuffle';
  seed?: number;
  /** Keep only these task types (full names or the short labels Pick, Look, Clean, Heat, Cool, PickTwo). */
  types?: string[];
  /** Data root (default: dataDir()); the dataset lives in <root>/alfworld. */
  root?: string;
}

/** The type is the folder name's prefix, e.g. pick_clean_then_place_in_recep-Cloth-None-CounterTop-424. */
export function taskTypeOf(folder: string): string {
  return folder.split('-')[0];
}

export function findGameFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'game.tw-pddl') out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function alfworldRoot(root = dataDir()): string {
  return datasetDir('alfworld', root);
}

export function loadAlfworldTasks(opts: LoadTasksOptions): AlfworldTask[] {
  const base = alfworldRoot(opts.root);
  const named = SPLITS[opts.split];
  const dir = named ? join(base, named) : resolve(opts.split);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EpoError('MISSING_DATA', named
      ? `ALFWorld split "${opts.split}" is not installed; run: epo data install alfworld [--from DIR]`
      : `no such folder`, { where: dir });
  }
  const splitName = named ? (opts.split === 'dev' ? 'valid_seen' : opts.split === 'test' ? 'valid_unseen' : opts.split) : undefined;
  const wanted = opts.types?.map((t) => parseTaskType(t) ?? t);
  if (wanted) for (const t of wanted) if (!(TASK_TYPES as readonly string[]).includes(t)) {
    throw new EpoError('BAD_INPUT', `unknown task type "${t}"; known: ${TASK_TYPES.join(', ')}`, { where: 'types' });
  }
  let tasks: AlfworldTask[] = findGameFiles(dir).map((gamefile) => {
    const rel = relative(dir, gamefile).split(sep);
    const id = rel.length >= 3 ? `${rel[rel.length - 3]}/${rel[rel.length - 2]}` : rel.slice(0, -1).join('/');
    const type = taskTypeOf(id.split('/')[0]);
    return { id, env: 'alfworld', split: splitName, type, gamefile };
  });
  if (wanted) tasks = tasks.filter((t) => wanted.includes(t.type));
  const order = opts.order ?? 'reference';
  if (order === 'shuffle') return createRng(opts.seed ?? 0).shuffle(tasks);
  if (order === 'reference' && splitName === 'valid_unseen') {
    const ref = join(base, 'splits', 'gamefile_id.txt');
    if (existsSync(ref)) {
      const rank = new Map(readFileSync(ref, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean).map((l, i) => [l, i]));
      return tasks.sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity) || (a.id < b.id ? -1 : 1));
    }
  }
  return tasks;
}

/** Whether a path looks like a game file or a folder of them (for CLI arguments). */
export const isPathLike = (s: string) => isAbsolute(s) || s.includes('/') || s.startsWith('.');
