/**
 * Task choice: the goal (room, object type, target receptacle or lamp type) drawn from the goals the official games
 * use for the task type, what the scene must provide for it, and the task sentence in the official games' phrasings.
 */
import { EpoError } from '../../../core/errors.js';
import type { Rng } from '../../../core/random.js';
import type { SceneNeeds } from './scene.js';
import { sampleWeighted, type AlfworldStats, type ObjectProp, type RoomType, type TaskType } from './stats.js';

export interface TaskSpec {
  type: TaskType;
  room: RoomType;
  /** Object type to handle (`Apple`). */
  object: string;
  /** Receptacle type to put it in (`CounterTop`); for look_at_obj_in_light the lamp's object type. */
  target: string;
  /** The sentence after "Your task is to: ". */
  sentence: string;
}

/** Receptacle type each transforming task needs, and the property its object must have. */
export const TOOL: Partial<Record<TaskType, { receptacle: string; prop: ObjectProp; verb: 'clean' | 'heat' | 'cool' }>> = {
  pick_clean_then_place_in_recep: { receptacle: 'SinkBasin', prop: 'cleanable', verb: 'clean' },
  pick_heat_then_place_in_recep: { receptacle: 'Microwave', prop: 'heatable', verb: 'heat' },
  pick_cool_then_place_in_recep: { receptacle: 'Fridge', prop: 'coolable', verb: 'cool' },
};

/** The two phrasings the official games use for each task type ({o} object, {r} receptacle or lamp). */
const PHRASINGS: Record<TaskType, [string, string]> = {
  pick_and_place_simple: ['put a {o} in {r}.', 'put some {o} on {r}.'],
  look_at_obj_in_light: ['look at {o} under the {r}.', 'examine the {o} with the {r}.'],
  pick_clean_then_place_in_recep: ['put a clean {o} in {r}.', 'clean some {o} and put it in {r}.'],
  pick_heat_then_place_in_recep: ['put a hot {o} in {r}.', 'heat some {o} and put it in {r}.'],
  pick_cool_then_place_in_recep: ['put a cool {o} in {r}.', 'cool some {o} and put it in {r}.'],
  pick_two_obj_and_place: ['put two {o} in {r}.', 'find two {o} and put them in {r}.'],
};

/** Goals of this task type in the allowed rooms whose object the target can hold. */
export function goalsFor(stats: AlfworldStats, type: TaskType, rooms: readonly RoomType[]) {
  return stats.tasks[type].filter((g) => rooms.includes(g.room)
    && (type === 'look_at_obj_in_light' || (stats.canContain[g.target] ?? []).includes(g.object)));
}

export function sampleTask(rng: Rng, stats: AlfworldStats, type: TaskType, rooms: readonly RoomType[]): TaskSpec {
  const goals = goalsFor(stats, type, rooms);
  if (!goals.length) {
    throw new EpoError('BAD_INPUT', `task type ${type} never occurs in room types ${rooms.join(', ')} in the official games`, { where: '--rooms / --types' });
  }
  const g = goals[sampleWeighted(rng, goals.map((x) => x.games))];
  const sentence = PHRASINGS[type][rng.int(2)].replace('{o}', g.object.toLowerCase()).replace('{r}', g.target.toLowerCase());
  return { type, room: g.room, object: g.object, target: g.target, sentence };
}

export function sceneNeeds(t: TaskSpec): SceneNeeds {
  if (t.type === 'look_at_obj_in_light') {
    return { receptacles: [], objects: [{ type: t.object, count: 1, props: ['pickupable'] }, { type: t.target, count: 1, props: ['toggleable'] }] };
  }
  const tool = TOOL[t.type];
  return {
    receptacles: tool ? [t.target, tool.receptacle] : [t.target],
    objects: [{ type: t.object, count: t.type === 'pick_two_obj_and_place' ? 2 : 1, props: tool ? ['pickupable', tool.prop] : ['pickupable'] }],
    avoid: { object: t.object, receptacle: t.target },
  };
}

/** `<task>-<Obj>-<Mrecep>-<Recep>-<scene>`, the official folder name (no movable receptacles here: Mrecep is None). */
export const folderName = (t: TaskSpec, scene: number): string => `${t.type}-${t.object}-None-${t.target}-${scene}`;
