/**
 * Process rewards from the environment itself, no judge needed. The engines record a `progress` in [0, 1] in each
 * step's `info` (ALFWorld: sub-goals reached — target found, taken, cleaned/heated/cooled, placed, and the second
 * object for pick-two; WebShop: the reward buying the product on screen would give, else the best seen so far, so it
 * can go down when a worse product is viewed). Only new highs count:
 *
 *   strategist turn k owns the environment steps from its own turn up to (not including) the next strategist turn;
 *   after_k  = the last recorded progress among the steps up to the end of turn k's span (carried forward);
 *   best_k   = max(best_{k−1}, after_k), best_{−1} = 0;
 *   p_k = best_k − best_{k−1} (never negative);  critical = { k : p_k > 0 }.
 *
 * The outcome is not part of p_k: the return rule adds it on the last turn (see returns.ts). Works on stored episodes.
 */
import type { Episode } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import type { Label } from '../core/label.js';
import { envFamily, strategistTurnIndexes } from './outcome.js';

export const ENV_LABELER = 'env';

const progressOf = (info: Record<string, unknown> | undefined): number | undefined => {
  const p = info?.progress;
  return typeof p === 'number' && Number.isFinite(p) ? p : undefined;
};

/** p_k per strategist turn (all seats, episode order) from the recorded progress. */
export function progressRewards(e: Episode): { rewards: number[]; critical: number[]; progress: number[] } {
  const fam = envFamily(e.env);
  if (fam === 'sotopia') {
    throw new EpoError('BAD_INPUT', 'SOTOPIA records no environment progress; label it with an LLM judge (--judge <model spec>)', { where: `episode ${e.id}` });
  }
  if (!e.turns.some((t) => progressOf(t.info) !== undefined)) {
    throw new EpoError('BAD_DATA', `no step records info.progress (was it rolled out by an engine that reports progress?)`, { where: `episode ${e.id}` });
  }
  const owners = strategistTurnIndexes(e);
  const rewards: number[] = [], critical: number[] = [], progress: number[] = [];
  let before = 0, current = 0;
  for (let k = 0; k < owners.length; k++) {
    const end = k + 1 < owners.length ? owners[k + 1] : e.turns.length;
    for (let i = k === 0 ? 0 : owners[k]; i < end; i++) current = progressOf(e.turns[i].info) ?? current;
    const p = Math.max(0, current - before);
    rewards.push(p);
    progress.push(current);
    if (p > 0) critical.push(k);
    before = Math.max(before, current);
  }
  return { rewards, critical, progress };
}

export function envLabel(e: Episode): Label {
  const { rewards, critical, progress } = progressRewards(e);
  return { labeler: ENV_LABELER, rewards, critical, progress, rule: 'p_k = max(0, progress after turn k − progress before it)' };
}
