/**
 * Outcome rewards on one scale, [0, 1], per environment family:
 *   ALFWorld  won → 1, else 0 (the episode's outcome reward is already 0/1);
 *   WebShop   the final reward in [0, 1];
 *   SOTOPIA   the `goal` score (0–10) of the strategist's seat, divided by 10.
 * The SOTOPIA evaluation is read from `episode.evaluation`, which records per-seat dimensions; the shapes accepted
 * are `{ seats: [{ scores: { goal, … } } | { goal, … }, …] }`, `{ "0": { goal }, "1": { goal } }` and `[{ goal }, …]`
 * (a dimension may be a number or `{ score }`), else `outcome.seatRewards[seat]` (already ÷10). An episode whose
 * evaluation failed (`evaluation.ok === false`) has no outcome: it is an error, so datasets skip it.
 */
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { EpoError } from '../core/errors.js';

export type EnvFamily = 'alfworld' | 'webshop' | 'sotopia' | 'other';

export function envFamily(env: string): EnvFamily {
  const e = env.toLowerCase();
  if (e.includes('alfworld')) return 'alfworld';
  if (e.includes('webshop')) return 'webshop';
  if (e.includes('sotopia')) return 'sotopia';
  return 'other';
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v && typeof v === 'object' && typeof (v as { score?: unknown }).score === 'number') return (v as { score: number }).score;
  return undefined;
};

/** The SOTOPIA goal score (0–10) of one seat, if the evaluation records it. */
export function sotopiaGoal(e: Episode, seat: number): number | undefined {
  const ev = e.evaluation as Record<string, unknown> | unknown[] | undefined;
  if (!ev) return undefined;
  const seats = Array.isArray(ev) ? ev : Array.isArray((ev as { seats?: unknown }).seats) ? (ev as { seats: unknown[] }).seats : undefined;
  const entry = seats ? seats[seat] : (ev as Record<string, unknown>)[String(seat)];
  if (!entry || typeof entry !== 'object') return undefined;
  const dims = entry as Record<string, unknown>;
  return num(dims.goal) ?? num((dims.scores as Record<string, unknown> | undefined)?.goal);
}

/** The outcome R in [0, 1] of an episode for the strategist (of `seat` in two-seat environments). */
export function outcomeReward(e: Episode, seat?: number): number {
  const fam = envFamily(e.env);
  if (fam === 'sotopia') {
    if ((e.evaluation as { ok?: unknown } | undefined)?.ok === false || e.outcome?.evaluated === false) {
      throw new EpoError('BAD_DATA', 'the SOTOPIA evaluation of this episode failed (re-evaluate it with epo eval sotopia)', { where: `episode ${e.id}` });
    }
    if (seat !== undefined) {
      const goal = sotopiaGoal(e, seat);
      if (goal !== undefined) return clamp01(goal / 10);
      const seatRewards = e.outcome?.seatRewards;
      if (Array.isArray(seatRewards) && typeof seatRewards[seat] === 'number') return clamp01(seatRewards[seat] as number);
    }
  }
  const r = e.outcome?.reward;
  if (typeof r !== 'number' || !Number.isFinite(r)) {
    throw new EpoError('BAD_DATA', `episode has no numeric outcome reward`, { where: `episode ${e.id}` });
  }
  if (fam === 'alfworld') return r > 0 || e.outcome.success ? 1 : 0;
  if (fam === 'sotopia' && r > 1) return clamp01(r / 10); // a raw goal score stored as the outcome
  return clamp01(r);
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** The seats that have a strategist in this episode (`[undefined]` for single-agent environments). */
export function strategistSeats(e: Episode): (number | undefined)[] {
  const seats = new Set<number | undefined>();
  for (const t of e.turns) if (t.strategist) seats.add(t.seat);
  if (seats.size === 0) return [];
  if (seats.size === 1 && seats.has(undefined)) return [undefined];
  return [...seats].filter((s): s is number => s !== undefined).sort((a, b) => a - b);
}

/** Indexes into `e.turns` of the strategist turns of one seat (all seats when `seat` is undefined). */
export function strategistTurnIndexes(e: Episode, seat?: number): number[] {
  const out: number[] = [];
  e.turns.forEach((t, i) => { if (t.strategist && (seat === undefined || t.seat === seat)) out.push(i); });
  return out;
}

/**
 * One seat's part of an episode's label (its rewards are per strategist turn over all seats, in turn order): the
 * seat's strategist turns (indexes into `e.turns`), their process rewards, and which of them (positions within the
 * seat) are critical. Without a label the rewards are 0 and nothing is critical. Pure.
 */
export function seatLabel(e: Episode, label: Pick<Label, 'rewards' | 'critical'> | undefined, seat?: number): { turnIndexes: number[]; process: number[]; critical: number[] } {
  const position = new Map(strategistTurnIndexes(e).map((turn, k) => [turn, k]));
  const critical = new Set(label?.critical ?? []);
  const turnIndexes = strategistTurnIndexes(e, seat);
  const ks = turnIndexes.map((t) => position.get(t)!);
  return { turnIndexes, process: ks.map((k) => label?.rewards[k] ?? 0), critical: ks.flatMap((k, t) => (critical.has(k) ? [t] : [])) };
}
