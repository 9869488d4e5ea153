/** A one-step toy environment for self-play tests: two doors, only "go right" wins; a suite of n such tasks. */
import type { Outcome, Turn } from '../../src/core/episode.js';
import type { StepResult, Task, TextEnv } from '../../src/core/env.js';
import type { Suite } from '../../src/eval/suite.js';

export class DoorsEnv implements TextEnv<Task> {
  readonly name = 'doors';
  reset(): string { return 'Two doors: left and right. Your task is to: pick the door.'; }
  step(action: string): StepResult {
    const won = action === 'go right';
    return { observation: won ? 'You win.' : 'You lose.', reward: won ? 1 : 0, done: true, info: { won, progress: won ? 1 : 0 } };
  }
  admissibleActions(): string[] { return ['go left', 'go right']; }
}

export const doorsPrompts = { env: 'doors', strategist: 'Pick a door.', actor: 'Act.', solo: 'Act.', normaliseAction: (s: string) => s.trim().toLowerCase() || undefined, invalidAnswer: 'No action.' };

export const doorsSuite = (split: string, n: number, dataVersion = `doors-${split}`): Suite<Task> => ({
  env: 'doors', split, dataVersion, tasks: Array.from({ length: n }, (_, i) => ({ id: `${split}-${i}`, env: 'doors' })),
  prompts: doorsPrompts, maxSteps: 1, exampleName: 'none', makeEnv: () => new DoorsEnv(),
  outcome: (turns: Turn[], reason: string): Outcome => ({ success: !!turns.at(-1)?.info?.won, reward: turns.at(-1)?.reward ?? 0, reason }),
  taskRecord: (t) => ({ id: t.id }),
});
