/**
 * A SOTOPIA task selection as one string, for commands that need two disjoint sets (training and held-out tasks):
 * `<set>[:<from>-<to>]`, where set is `builtin` (offline, no data), `all` (the 450 benchmark tasks), `hard` (the 70
 * tasks of the 14 hard scenarios) or `extra` (the 2,760 training tasks of folder installs), and the optional slice
 * keeps the tasks at positions from ≤ k < to of the set in its file order (`all:0-300`, `builtin:3-5`; `:<from>-`
 * runs to the end). The resolved tasks carry their scenario and characters, so episodes need nothing else.
 */
import { EpoError, isEpoError } from '../../core/errors.js';
import { dataDir, datasetDir } from '../../data/dir.js';
import { builtinSotopia, loadSotopia, loadSotopiaExtra, tasksOf, type SotopiaData, type TaskSet } from './data.js';
import type { Character, Combo, Scenario } from './profiles.js';

export const TASK_SETS: readonly TaskSet[] = ['builtin', 'all', 'hard', 'extra'];

export interface TaskSpec {
  set: TaskSet;
  from: number;
  /** Exclusive; undefined: to the end. */
  to?: number;
}

export interface SotopiaTask {
  combo: Combo;
  scenario: Scenario;
  characters: [Character, Character];
}

export interface SotopiaTaskSelection {
  /** The spec as given (normalised), e.g. `all:0-300`. */
  spec: string;
  set: TaskSet;
  dataVersion: string;
  tasks: SotopiaTask[];
}

export function parseTaskSpec(text: string, where: string): TaskSpec {
  const m = /^([a-z]+)(?::(\d+)-(\d*))?$/.exec(text.trim());
  const set = m?.[1] as TaskSet | undefined;
  if (!m || !set || !TASK_SETS.includes(set)) {
    throw new EpoError('BAD_INPUT', `"${text}" is not a SOTOPIA task set: use ${TASK_SETS.join(', ')}, optionally with a slice, e.g. all:0-300 or builtin:3-5`, { where });
  }
  const from = m[2] === undefined ? 0 : Number(m[2]);
  const to = m[3] ? Number(m[3]) : undefined;
  if (to !== undefined && to <= from) throw new EpoError('BAD_INPUT', `the slice ${from}-${to} of "${text}" is empty (from must be below to)`, { where });
  return { set, from, ...(to === undefined ? {} : { to }) };
}

const specText = (s: TaskSpec): string => (s.from === 0 && s.to === undefined ? s.set : `${s.set}:${s.from}-${s.to ?? ''}`);

export function loadTaskSet(set: TaskSet, dir?: string): SotopiaData {
  if (set === 'builtin') return builtinSotopia();
  const d = dir ?? datasetDir('sotopia', dataDir());
  return set === 'extra' ? loadSotopiaExtra(d) : loadSotopia(d);
}

/** Resolve a spec against the data (`dir`: the SOTOPIA folder, default the installed copy). */
export function selectTasks(text: string, where: string, dir?: string): SotopiaTaskSelection {
  const spec = parseTaskSpec(text, where);
  let data: SotopiaData;
  try { data = loadTaskSet(spec.set, dir); } catch (e) {
    if (!isEpoError(e, 'MISSING_DATA')) throw e;
    throw new EpoError('MISSING_DATA', `${where} ${text}: no SOTOPIA data at ${e.where ?? dir}; run \`epo data install sotopia [--from DIR]\` (extra needs a folder install) (or pass the data root with --data), or use builtin[:FROM-TO] offline`, { where });
  }
  const all = tasksOf(data, spec.set);
  if (spec.from >= all.length) throw new EpoError('BAD_INPUT', `"${text}" starts at task ${spec.from} but the set has ${all.length} tasks`, { where });
  const combos = all.slice(spec.from, spec.to);
  return {
    spec: specText(spec), set: spec.set, dataVersion: data.version,
    tasks: combos.map((combo) => ({
      combo, scenario: data.scenarios.get(combo.scenarioId)!,
      characters: [data.characters.get(combo.characterIds[0])!, data.characters.get(combo.characterIds[1])!],
    })),
  };
}

/** Task ids found in both selections (a held-out set should share none with the training set). */
export function sharedTasks(a: SotopiaTaskSelection, b: SotopiaTaskSelection): string[] {
  const ids = new Set(a.tasks.map((t) => t.combo.id));
  return b.tasks.filter((t) => ids.has(t.combo.id)).map((t) => t.combo.id);
}
