/**
 * The training weights of a run's episodes per strategist turn, as `epo dataset build` gives them (the same process
 * rewards, critical turns, outcomes and task groups), without building chats: for exports and viewers that show what
 * each turn weighed. Episodes the labeler has not labelled, or whose label does not fit their turns, get none.
 */
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { outcomeReward, seatLabel, strategistSeats, strategistTurnIndexes } from './outcome.js';
import { assignWeights, type ReturnRule, type TrajectoryRewards } from './returns.js';

export interface SeatWeights {
  seat?: number;
  /** Turn indexes (into `episode.turns`) of this seat's strategist turns, in order. */
  turnIndexes: number[];
  rewards: number[];
  returns: number[];
  weights: number[];
}

export function episodeWeights(episodes: Iterable<Episode>, label: (id: string) => Label | undefined, rule: ReturnRule): Map<string, SeatWeights[]> {
  const items: (TrajectoryRewards & { id: string; seat?: number; turnIndexes: number[] })[] = [];
  for (const e of episodes) {
    const l = label(e.id);
    if (!l || l.rewards.length !== strategistTurnIndexes(e).length) continue;
    for (const seat of strategistSeats(e)) {
      let outcome: number;
      try { outcome = outcomeReward(e, seat); } catch { continue; }
      const part = seatLabel(e, l, seat);
      items.push({ id: e.id, seat, ...part, outcome, group: `${e.env}|${e.taskId}|${seat ?? ''}` });
    }
  }
  const weighted = assignWeights(rule, items);
  const out = new Map<string, SeatWeights[]>();
  items.forEach((it, i) => {
    const list = out.get(it.id) ?? [];
    list.push({ ...(it.seat === undefined ? {} : { seat: it.seat }), turnIndexes: it.turnIndexes, ...weighted[i] });
    out.set(it.id, list);
  });
  return out;
}
