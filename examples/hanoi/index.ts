/**
 * An epo environment module: `epo eval --env examples/hanoi/index.ts …`, `epo selfplay --env examples/hanoi/index.ts`.
 * It exports a definition (tasks per split, a fresh environment per episode, the words of both roles) and an expert
 * strategist for tests (`scripted:hanoi-expert`). Only types come from epo, so the module runs as it is.
 */
import type { ChatModel, EnvironmentDefinition } from 'epo';
import { expertMove, HanoiEnv, makeTasks, moveText, parsePosition, type HanoiTask } from './towers.js';

/** Answers the strategist's chat with the shortest solution's next move, read from the last position shown. */
function expert(spec: string): ChatModel {
  return {
    spec,
    async complete(req) {
      const last = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const pos = parsePosition(last);
      const move = pos && expertMove(pos);
      const text = move ? `Thought: ${moveText(move)}, the next move of the shortest solution.` : 'Thought: the tower is complete.';
      return { text, finishReason: 'stop', usage: { promptTokens: Math.ceil(last.length / 4), completionTokens: Math.ceil(text.length / 4) } };
    },
  };
}

const environment: EnvironmentDefinition<HanoiTask> = {
  name: 'hanoi',
  description: 'Tower of Hanoi from random positions, 2–4 disks (success overall and per disk count)',
  splits: {
    train: () => makeTasks('train', 300, 1),
    test: () => makeTasks('test', 60, 2),
  },
  defaultSplit: 'test',
  makeEnv: () => new HanoiEnv(),
  maxSteps: 30,
  taskType: (t) => `${t.disks} disks`,
  typeNames: { '2 disks': '2 disks', '3 disks': '3 disks', '4 disks': '4 disks' },
  taskRecord: (t) => ({ id: t.id, disks: t.disks, start: t.start }),
  prompts: {
    strategist: 'You coach a player of the Tower of Hanoi. At every turn, read the position and name the one move that '
      + 'brings the tower closest to being complete on peg C, as "Thought: move X to Y, because …". Think about which '
      + 'disk must be freed next; never suggest a move onto a smaller disk.',
    actor: 'You play the Tower of Hanoi. Each turn you get the position and a coach\'s thought. Answer with one line '
      + '"Action: move X to Y" where X and Y are pegs A, B or C.',
    solo: 'You play the Tower of Hanoi. Each turn, think about which disk must be freed next, then answer with two lines: '
      + '"Thought: …" and "Action: move X to Y" where X and Y are pegs A, B or C.',
    normaliseAction: (candidate) => {
      const m = /^\s*move\s+(?:peg\s+)?([abc])\s+(?:to|onto)\s+(?:peg\s+)?([abc])\b/i.exec(candidate);
      return m ? `move ${m[1].toUpperCase()} to ${m[2].toUpperCase()}` : undefined;
    },
    invalidAnswer: 'No move was understood: answer "Action: move X to Y".',
  },
  scriptedModels: { 'hanoi-expert': (_options, spec) => expert(spec) },
};

export default environment;
