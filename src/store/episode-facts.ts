/**
 * What list pages filter and sum on, kept in columns beside each stored episode so they need not decode it: the
 * task type (the stored task's `type`), and the token counts and cost of all its model calls.
 */
import { episodeUsage, type Episode } from '../core/episode.js';

export interface EpisodeFacts {
  taskType: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export function episodeFacts(e: Episode): EpisodeFacts {
  const u = episodeUsage(e);
  const type = e.task?.type;
  return { taskType: typeof type === 'string' && type ? type : null, promptTokens: u.promptTokens, completionTokens: u.completionTokens, costUsd: u.costUsd ?? 0 };
}
