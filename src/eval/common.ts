/** Figures every suite reports: episode count, end reasons, steps, parse failures, tokens and cost per episode. */
import { episodeUsage, type Episode } from '../core/episode.js';
import { parseFailures } from '../rollout/episode.js';
import { meanCI, type Estimate } from './stats.js';

export interface CommonMetrics {
  episodes: number;
  reasons: Record<string, number>;
  steps: Estimate;
  parseFailures: { thought: number; action: number; perEpisode: number };
  tokensPerEpisode: { prompt: number; completion: number; total: number };
  costPerEpisodeUsd: number;
}

export function commonMetrics(es: readonly Episode[]): CommonMetrics {
  const reasons: Record<string, number> = {};
  let thought = 0, action = 0, prompt = 0, completion = 0, cost = 0;
  for (const e of es) {
    reasons[e.outcome.reason] = (reasons[e.outcome.reason] ?? 0) + 1;
    const f = parseFailures(e);
    thought += f.thought; action += f.action;
    const u = episodeUsage(e);
    prompt += u.promptTokens; completion += u.completionTokens; cost += u.costUsd ?? 0;
  }
  const n = es.length || 1;
  return {
    episodes: es.length,
    reasons,
    steps: meanCI(es.map((e) => e.turns.length)),
    parseFailures: { thought, action, perEpisode: (thought + action) / n },
    tokensPerEpisode: { prompt: prompt / n, completion: completion / n, total: (prompt + completion) / n },
    costPerEpisodeUsd: cost / n,
  };
}
