/** Builders for episode records used across tests. */
import type { Episode } from '../../src/core/episode.js';

export function makeEpisode(i: number, over: Partial<Episode> = {}): Episode {
  const turns = Array.from({ length: 3 }, (_, t) => ({
    index: t,
    strategist: {
      input: [{ role: 'user' as const, content: `task ${i} — ünïcødé ✓ step ${t}` }],
      output: `Thought: go to place ${t}`,
      usage: { promptTokens: 10 + t, completionTokens: 5 },
    },
    actor: { input: [], output: `Action: go to cabinet ${t + 1}`, usage: { promptTokens: 20, completionTokens: 6 } },
    action: `go to cabinet ${t + 1}`,
    observation: `You arrive at cabinet ${t + 1}. The cabinet ${t + 1} is closed.`,
    reward: t === 2 ? 1 : 0,
    done: t === 2,
  }));
  return {
    id: `task-${i}#0`, run: 'r', env: 'alfworld', taskId: `task-${i}`, trial: 0, seed: 1000 + i,
    models: { strategist: { spec: 'scripted:a', temperature: 0.7 }, actor: { spec: 'scripted:b', temperature: 0 } },
    codeVersion: 'test', task: { gamefile: `g${i}` }, initialObservation: 'You are in the middle of a room.',
    turns, outcome: { reward: 1, success: true, reason: 'done' },
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
    ...over,
  };
}
