/**
 * The household statistics the generator samples from: which receptacles a room has and how many, which objects
 * occur and where they lie, which receptacles open and how often they start closed, which object types fit which
 * receptacle types, and which goals each task type uses. Measured once from the official ALFWorld games by
 * `scripts/measure-alfworld-stats.ts` (see `measure.ts`) and committed as `stats-table.ts`: numbers only, no game text.
 */
import { EpoError } from '../../../core/errors.js';
import type { Rng } from '../../../core/random.js';
import { TASK_TYPES, type TaskType } from '../task-types.js';
import { measuredStats } from './stats-table.js';

export const ROOM_TYPES = ['kitchen', 'livingroom', 'bedroom', 'bathroom'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

/** The six task types, as the engine names them (one list for the whole project). */
export { TASK_TYPES, type TaskType };

/** Object properties that appear as unary facts in the problems. */
export const OBJECT_PROPS = ['pickupable', 'isReceptacleObject', 'cleanable', 'heatable', 'coolable', 'toggleable', 'sliceable'] as const;
export type ObjectProp = (typeof OBJECT_PROPS)[number];

/** `hist[k]` = number of official games in which the thing occurs exactly k times. */
export type Histogram = number[];

export interface RoomStats {
  games: number;
  /** Receptacle type (without the `Type` suffix) -> histogram of instances per game. */
  receptacles: Record<string, Histogram>;
  /** Object type -> histogram of instances per game. */
  objects: Record<string, Histogram>;
  /** Object type -> receptacle type (or `floor`: in no receptacle) -> number of instances found there. */
  placements: Record<string, Record<string, number>>;
  /** Receptacle types sharing one location, `CoffeeMachine+CounterTop` (sorted) -> histogram of such places per game. */
  sharedLocations: Record<string, Histogram>;
}

export interface GoalStats {
  room: RoomType;
  /** Object type to move, heat, look at, ... */
  object: string;
  /** Target receptacle type; for look_at_obj_in_light the lamp's object type. */
  target: string;
  games: number;
}

export interface AlfworldStats {
  source: string;
  games: number;
  rooms: Record<RoomType, RoomStats>;
  /** Object type -> fraction of its instances having each property. */
  objectProps: Record<string, Partial<Record<ObjectProp, number>>>;
  /** Receptacle type -> fraction of instances that open, and fraction of openable ones closed at the start. */
  receptacleProps: Record<string, { instances: number; openable: number; closedAtStart: number }>;
  /** Receptacle type -> object types it may hold (the union of the games' canContain facts). */
  canContain: Record<string, string[]>;
  /** Task type -> goals seen (room, object, target) with how many games use each. */
  tasks: Record<TaskType, GoalStats[]>;
}

export const FLOOR = 'floor';

/** The committed table, checked for the shape the generator relies on. */
export function loadStats(table: AlfworldStats = measuredStats as AlfworldStats): AlfworldStats {
  for (const room of ROOM_TYPES) {
    if (!table.rooms[room] || table.rooms[room].games <= 0) {
      throw new EpoError('BAD_DATA', `statistics table has no games for room type ${room}`, { where: `stats-table.ts rooms.${room}` });
    }
  }
  for (const t of TASK_TYPES) {
    if (!table.tasks[t]?.length) throw new EpoError('BAD_DATA', `statistics table has no goals for task type ${t}`, { where: `stats-table.ts tasks.${t}` });
  }
  return table;
}

/** Draw an index with probability proportional to its weight. */
export function sampleWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) throw new RangeError('sampleWeighted: all weights are zero');
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** Draw a count from a histogram (index = count, value = frequency). */
export const sampleHistogram = (rng: Rng, hist: Histogram): number => sampleWeighted(rng, hist);

/** Mean of a histogram. */
export function histogramMean(hist: Histogram): number {
  let n = 0, s = 0;
  hist.forEach((c, k) => { n += c; s += c * k; });
  return n ? s / n : 0;
}
