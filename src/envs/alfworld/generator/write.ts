/**
 * Whole games and whole sets: task type allocation in the requested proportions, one independent random stream per
 * game (so game i is the same whatever the count), the `game.tw-pddl` JSON, the official folder layout and a
 * manifest. Output is a pure function of the options: the same seed gives byte-identical files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError, isEpoError } from '../../../core/errors.js';
import { createRng, deriveSeed, type Rng } from '../../../core/random.js';
import { DOMAIN_PDDL } from './domain.js';
import { grammarText, type GrammarVariant } from './grammar.js';
import { plan, walkthrough } from './planner.js';
import { problemText } from './problem.js';
import { sampleScene, type Scene, type SceneKnobs } from './scene.js';
import { ROOM_TYPES, TASK_TYPES, loadStats, type AlfworldStats, type RoomType, type TaskType } from './stats.js';
import { folderName, goalsFor, sampleTask, sceneNeeds, type TaskSpec } from './tasks.js';

export interface GenerateOptions extends SceneKnobs {
  seed: number;
  /** Task type -> share (need not sum to 1); default: the official games' mix. */
  types?: Partial<Record<TaskType, number>>;
  rooms?: RoomType[];
  grammar?: GrammarVariant;
  stats?: AlfworldStats;
}

export interface GeneratedGame {
  /** `<task>-<Obj>-None-<Recep>-<scene>/trial_G<seed>_<index>` */
  dir: string;
  task: TaskSpec;
  scene: Scene;
  walkthrough: string[];
  /** The `game.tw-pddl` file text. */
  text: string;
}

/** The official games' mix of task types (measured), used when no proportions are given. */
export function officialMix(stats: AlfworldStats): Record<TaskType, number> {
  return Object.fromEntries(TASK_TYPES.map((t) => [t, stats.tasks[t].reduce((n, g) => n + g.games, 0)])) as Record<TaskType, number>;
}

/** Exact counts per type for `count` games (largest remainder), then a seeded order. */
export function allocateTypes(count: number, shares: Partial<Record<TaskType, number>>, rng: Rng): TaskType[] {
  const types = TASK_TYPES.filter((t) => (shares[t] ?? 0) > 0);
  const total = types.reduce((s, t) => s + shares[t]!, 0);
  if (!types.length || !(total > 0)) throw new EpoError('BAD_INPUT', 'no task type has a positive share', { where: '--types' });
  const exact = types.map((t) => (count * shares[t]!) / total);
  const n = exact.map(Math.floor);
  const order = types.map((_, i) => i).sort((a, b) => (exact[b] - n[b]) - (exact[a] - n[a]) || a - b);
  for (let k = 0; n.reduce((a, b) => a + b, 0) < count; k++) n[order[k % order.length]]++;
  return rng.shuffle(types.flatMap((t, i) => Array<TaskType>(n[i]).fill(t)));
}

export function generateGame(index: number, type: TaskType, opts: GenerateOptions): GeneratedGame {
  const stats = opts.stats ?? loadStats();
  const rng = createRng(deriveSeed(opts.seed, 'alfworld-game', index));
  const rooms = opts.rooms ?? [...ROOM_TYPES];
  for (let attempt = 0; ; attempt++) {
    const task = sampleTask(rng, stats, type, rooms);
    let scene: Scene;
    try {
      scene = sampleScene(rng, stats, task.room, sceneNeeds(task), opts);
    } catch (e) {
      if (isEpoError(e, 'INTERNAL') && attempt < 50) continue;
      throw e;
    }
    const steps = plan(scene, task, (rt, ot) => (stats.canContain[rt] ?? []).includes(ot));
    const placing = (opts.grammar ?? 'release') === 'release' ? 'move' : 'put';
    const trial = `trial_G${opts.seed}_${String(index).padStart(6, '0')}`;
    const wt = walkthrough(steps, scene.names, placing);
    // Key order and shape as the official files: domain, grammar, problem, solvable, walkthrough.
    const text = JSON.stringify({
      pddl_domain: DOMAIN_PDDL,
      grammar: grammarText(task.sentence, opts.grammar),
      pddl_problem: problemText(`gen_${trial}`, scene, task, stats),
      solvable: true,
      walkthrough: wt,
    });
    return { dir: `${folderName(task, scene.scene)}/${trial}`, task, scene, walkthrough: wt, text };
  }
}

export interface GenerateSummary {
  count: number;
  seed: number;
  types: Record<string, number>;
  rooms: Record<string, number>;
  games: { path: string; type: TaskType; room: RoomType; steps: number }[];
}

/** Refuse impossible requests before anything is written: a task type absent from the chosen rooms, an empty range. */
export function checkOptions(opts: GenerateOptions): void {
  const stats = opts.stats ?? loadStats();
  const rooms = opts.rooms ?? [...ROOM_TYPES];
  if (!rooms.length) throw new EpoError('BAD_INPUT', 'no room type chosen', { where: '--rooms' });
  for (const t of TASK_TYPES) {
    if ((opts.types ? opts.types[t] ?? 0 : 1) > 0 && !goalsFor(stats, t, rooms).length) {
      throw new EpoError('BAD_INPUT', `task type ${t} never occurs in room types ${rooms.join(', ')} in the official games`, { where: '--rooms / --types' });
    }
  }
  const [lo, hi] = opts.receptacles ?? [1, Infinity];
  if (!(lo <= hi)) throw new EpoError('BAD_INPUT', `receptacle range ${lo}-${hi} is empty`, { where: '--receptacles' });
}

/** Generate `count` games; `onGame` receives each (e.g. to write it). */
export function generateSet(count: number, opts: GenerateOptions, onGame: (g: GeneratedGame) => void = () => {}): GenerateSummary {
  const stats = opts.stats ?? loadStats();
  const o = { ...opts, stats };
  checkOptions(o);
  const types = allocateTypes(count, opts.types ?? officialMix(stats), createRng(deriveSeed(opts.seed, 'alfworld-types')));
  const summary: GenerateSummary = { count, seed: opts.seed, types: {}, rooms: {}, games: [] };
  types.forEach((type, i) => {
    const g = generateGame(i, type, o);
    onGame(g);
    summary.types[type] = (summary.types[type] ?? 0) + 1;
    summary.rooms[g.task.room] = (summary.rooms[g.task.room] ?? 0) + 1;
    summary.games.push({ path: `${g.dir}/game.tw-pddl`, type, room: g.task.room, steps: g.walkthrough.length });
  });
  return summary;
}

/** Write a set to `out/<task>/<trial>/game.tw-pddl` plus `out/manifest.json`. */
export function writeSet(out: string, count: number, opts: GenerateOptions): GenerateSummary {
  let bytes = 0;
  const summary = generateSet(count, opts, (g) => {
    mkdirSync(join(out, g.dir), { recursive: true });
    writeFileSync(join(out, g.dir, 'game.tw-pddl'), g.text);
    bytes += Buffer.byteLength(g.text);
  });
  const { stats: _stats, ...knobs } = opts;
  const manifest = {
    dataset: 'alfworld-generated',
    version: `epo-gen-1-seed${opts.seed}`,
    source: 'epo data generate alfworld',
    files: count,
    bytes,
    options: knobs,
    ...summary,
  };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return summary;
}
