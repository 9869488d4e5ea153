/**
 * Episodes whose strategist chats extend turn by turn (the contract of every agent loop), for reward and dataset
 * tests: a system message, then user (observation) / assistant (strategy) alternation.
 */
import type { Episode, Turn } from '../../src/core/episode.js';
import type { ChatMessage } from '../../src/core/messages.js';

export interface ChatEpisodeOptions {
  run?: string;
  env?: string;
  taskId?: string;
  trial?: number;
  turns?: number;
  outcome?: number;
  /** info.progress per step (ALFWorld/WebShop). */
  progress?: (number | undefined)[];
  /** Steps at which the strategist is called (default: every step). */
  strategistAt?: number[];
  /** Text of strategy t (default `Strategy: step t of <task>`). */
  strategy?: (t: number) => string;
}

export function chatEpisode(o: ChatEpisodeOptions = {}): Episode {
  const taskId = o.taskId ?? 'task-0', trial = o.trial ?? 0, T = o.turns ?? 3, env = o.env ?? 'alfworld';
  const at = new Set(o.strategistAt ?? Array.from({ length: T }, (_, t) => t));
  const chat: ChatMessage[] = [{ role: 'system', content: 'You are the strategist.' }];
  const turns: Turn[] = [];
  for (let t = 0; t < T; t++) {
    const turn: Turn = { index: t, action: `go to shelf ${t + 1}`, observation: `On the shelf ${t + 1}, you see a mug ${t + 1}.`, reward: 0, done: t === T - 1 };
    if (at.has(t)) {
      chat.push({ role: 'user', content: t === 0 ? `Task ${taskId}: put a mug on the desk.` : `Observation: ${turns[t - 1].observation}` });
      const output = o.strategy ? o.strategy(t) : `Strategy: step ${t} of ${taskId}`;
      turn.strategist = { input: [...chat], output };
      chat.push({ role: 'assistant', content: output });
    }
    if (o.progress?.[t] !== undefined) turn.info = { progress: o.progress[t] };
    turns.push(turn);
  }
  const reward = o.outcome ?? 1;
  return {
    id: `${taskId}#${trial}`, run: o.run ?? 'r', env, taskId, trial, seed: trial,
    models: { strategist: { spec: 'scripted:s' }, actor: { spec: 'scripted:a' } },
    codeVersion: 'test', task: {}, initialObservation: `You are in a room. Your task is to: put a mug on the desk (${taskId}).`,
    turns, outcome: { reward, success: reward === 1, reason: 'done' },
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

/** A two-seat SOTOPIA episode: seats alternate, both with strategists; goal scores per seat in the evaluation. */
export function sotopiaEpisode(goals: [number, number], turnsPerSeat = 2, taskId = 'scenario-1', trial = 0): Episode {
  const chats: ChatMessage[][] = [0, 1].map((s) => [{ role: 'system', content: `You advise person ${s}.` }]);
  const turns: Turn[] = [];
  for (let i = 0; i < 2 * turnsPerSeat; i++) {
    const seat = i % 2, chat = chats[seat];
    chat.push({ role: 'user', content: i < 2 ? `Scenario for seat ${seat}.` : `The other said: ${turns[i - 1].action}` });
    const output = `Strategy: seat ${seat} move ${Math.floor(i / 2)}`;
    turns.push({ index: i, seat, strategist: { input: [...chat], output }, action: `said "hello ${i}"`, observation: '', reward: 0, done: false });
    chat.push({ role: 'assistant', content: output });
  }
  return {
    id: `${taskId}#${trial}`, run: 's', env: 'sotopia', taskId, trial, seed: trial,
    models: { strategist: { spec: 'scripted:s' } }, codeVersion: 'test', task: {}, initialObservation: 'Two neighbours meet.',
    turns, outcome: { reward: goals[0] / 10, success: true, reason: 'max_turns' },
    evaluation: { seats: [{ goal: goals[0], believability: 8 }, { goal: goals[1], believability: 7 }] },
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
  };
}
