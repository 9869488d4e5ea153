/**
 * The demo's household suite: generated games of three ALFWorld task types (put X on/in Y; clean X and put it in Y;
 * examine X under a lamp) played by the project's ALFWorld engine, with short prompts (the built-in strategist is a
 * small model with a 1,024-token context) and no one-shot example.
 */
import type { EnvPrompts } from '../agents/roles.js';
import { normaliseAlfworldAction } from '../agents/prompts/alfworld.js';
import { hashString } from '../core/random.js';
import { alfworldOutcome } from '../eval/alfworld.js';
import type { Suite } from '../eval/suite.js';
import { AlfworldEnv, loadAlfworldTasks, type AlfworldTask } from '../envs/alfworld/index.js';

/** The demo's task types, in equal shares (the teacher, src/demo/teacher.ts, can express their sub-goals). */
export const DEMO_TYPES = ['pick_and_place_simple', 'pick_clean_then_place_in_recep', 'look_at_obj_in_light'] as const;

/** The demo's games: the three types above, 4-6 places, no extra objects, every receptacle open. */
export const GAME_KNOBS = { types: Object.fromEntries(DEMO_TYPES.map((t) => [t, 1])), receptacles: [4, 6] as [number, number], distractors: 0, closedShare: 0 };

export const demoPrompts: EnvPrompts = {
  env: 'alfworld',
  strategist: 'Guide the robot through its household task. Each turn, give the next step in one line: Thought: <step>.',
  actor: 'Turn the thought into one of the available actions. Answer: Action: <command>',
  solo: 'Solve the household task. Answer: Thought: <step>\nAction: <command>',
  normaliseAction: normaliseAlfworldAction,
  invalidAnswer: 'No valid command. Answer: Action: <command>',
};

export async function demoSuite(dir: string, split: string, maxSteps: number): Promise<Suite<AlfworldTask>> {
  const tasks = await loadAlfworldTasks({ split: dir, order: 'sorted' });
  return {
    env: 'alfworld', split, tasks, prompts: demoPrompts, maxSteps, exampleName: 'none',
    dataVersion: `generated ${split}:${tasks.length}:${hashString(tasks.map((t) => t.id).join('\n')).toString(16)}`,
    makeEnv: () => new AlfworldEnv(),
    outcome: alfworldOutcome,
    taskRecord: (t) => ({ id: t.id, type: t.type, gamefile: t.gamefile }),
  };
}
