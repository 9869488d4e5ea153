/** A tiny deterministic text environment for tests of agent loops: a task is solved by playing its walkthrough. */
import type { StepResult, Task, TextEnv } from '../../src/core/env.js';

export interface FakeTask extends Task {
  walkthrough: string[];
}

export const fakeTask = (i: number, type = 'pick_and_place_simple'): FakeTask => ({
  id: `${type}-${i}`, env: 'fake', type,
  walkthrough: [`go to shelf ${i}`, `take key ${i} from shelf ${i}`, `move key ${i} to box 1`],
});

export class FakeEnv implements TextEnv<FakeTask> {
  readonly name = 'fake';
  task?: FakeTask;
  progress = 0;
  steps: string[] = [];

  reset(task: FakeTask): string {
    this.task = task; this.progress = 0; this.steps = [];
    return `You are in a room with shelf ${task.id.split('-').pop()} and box 1.\nYour task is to: put key in box.`;
  }

  step(action: string): StepResult {
    this.steps.push(action);
    const w = this.task!.walkthrough;
    if (action === w[this.progress]) {
      this.progress++;
      const won = this.progress === w.length;
      return { observation: won ? 'You put the key in the box.' : `You did: ${action}.`, reward: won ? 1 : 0, done: won, info: { won } };
    }
    return { observation: 'Nothing happens.', reward: 0, done: false, info: { won: false } };
  }

  admissibleActions(): string[] {
    return [this.task!.walkthrough[this.progress], 'look'];
  }
}
