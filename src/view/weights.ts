/**
 * Which process labels and which return rule a run's training weights come from, and the weights themselves.
 * The setting is the one the run's data were trained with when recorded: the newest dataset record of the store
 * (`epo dataset build`), or for a self-play rollout sub-run the manifest of its iteration's dataset; otherwise the
 * labeler with the most labels and the reference rule (said on the page).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { envFamily, outcomeReward, seatLabel, strategistSeats, strategistTurnIndexes } from '../rewards/outcome.js';
import { makeRule, trajectoryWeights, type GroupStats, type ReturnRule, type TrajectoryWeights } from '../rewards/returns.js';
import type { RunRef } from './catalog.js';
import type { Db } from './run-db.js';

export interface WeightSetting {
  labeler?: string;
  rule: ReturnRule;
  /** Where the setting was read. */
  from: string;
}

interface DatasetRecord { rule?: ReturnRule; labeler?: string | null }

const readManifest = (path: string): DatasetRecord | undefined => {
  try { return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as DatasetRecord : undefined; } catch { return undefined; }
};

const validRule = (r: unknown): r is ReturnRule => !!r && typeof r === 'object' && typeof (r as ReturnRule).name === 'string' && !!(r as ReturnRule).params;

export function weightSetting(db: Db, run: RunRef): WeightSetting {
  const labelers = db.prepare('SELECT labeler, COUNT(*) AS n FROM labels GROUP BY labeler ORDER BY n DESC, labeler').all() as { labeler: string; n: number }[];
  const fallback = labelers[0]?.labeler;
  const pick = (rec: DatasetRecord | undefined, from: string): WeightSetting | undefined => {
    if (!rec || !validRule(rec.rule)) return undefined;
    const labeler = rec.labeler && labelers.some((l) => l.labeler === rec.labeler) ? rec.labeler : fallback;
    return { labeler, rule: makeRule(rec.rule.name, rec.rule.params), from };
  };
  let stored: DatasetRecord | undefined;
  try {
    const text = db.prepare('SELECT data FROM datasets ORDER BY created_at DESC LIMIT 1').pluck().get() as string | undefined;
    stored = text ? JSON.parse(text) as DatasetRecord : undefined;
  } catch { stored = undefined; }
  const it = /^it(\d+)-rollouts$/.exec(run.id.split('/')[1] ?? '');
  const manifest = it ? join(run.dir, '..', `it${it[1]}-dataset`, 'manifest.json') : undefined;
  return pick(stored, 'the run\'s dataset record')
    ?? (manifest ? pick(readManifest(manifest), `it${it![1]}-dataset/manifest.json`) : undefined)
    ?? { labeler: fallback, rule: makeRule('reference'), from: 'default (reference rule)' };
}

/** The outcome R in [0, 1] from an episode row's columns, as `outcomeReward` gives it for the whole episode. */
export function rowOutcome(env: string, reward: number, success: boolean): number {
  const fam = envFamily(env);
  if (fam === 'alfworld') return reward > 0 || success ? 1 : 0;
  if (fam === 'sotopia' && reward > 1) return Math.min(1, reward / 10);
  return Math.min(1, Math.max(0, reward));
}

/** The SQL for the same outcome over the episodes table's columns (env is fixed per run). */
export function outcomeSql(env: string, alias = ''): string {
  const fam = envFamily(env);
  const r = `${alias}reward`, s = `${alias}success`;
  if (fam === 'alfworld') return `(CASE WHEN ${r} > 0 OR ${s} THEN 1.0 ELSE 0.0 END)`;
  if (fam === 'sotopia') return `(CASE WHEN ${r} > 1 THEN MIN(1.0, ${r} / 10.0) ELSE MAX(0.0, ${r}) END)`;
  return `MIN(1.0, MAX(0.0, ${r}))`;
}

/** Weights of one labelled trajectory (the whole episode as one trajectory: list filters and summaries). */
export function labelWeights(rule: ReturnRule, label: Pick<Label, 'rewards' | 'critical'>, outcome: number, group?: GroupStats): TrajectoryWeights {
  return trajectoryWeights(rule, { process: label.rewards, critical: label.critical ?? [], outcome }, group ?? { n: 1, mean: outcome, std: 0 });
}

export interface TurnWeight {
  /** Index into episode.turns. */
  turn: number;
  seat?: number;
  processReward: number;
  critical: boolean;
  return: number;
  weight: number;
}

/** Per strategist turn of an episode: the label's reward, the return and the training weight (per seat in SOTOPIA). */
export function episodeTurnWeights(e: Episode, label: Label | undefined, rule: ReturnRule, group: (seat?: number) => GroupStats | undefined): TurnWeight[] {
  if (!label) return [];
  if (label.rewards.length !== strategistTurnIndexes(e).length) return [];
  const out: TurnWeight[] = [];
  for (const seat of strategistSeats(e)) {
    let outcome: number;
    try { outcome = outcomeReward(e, seat); } catch { continue; }
    const { turnIndexes, process, critical } = seatLabel(e, label, seat);
    const w = trajectoryWeights(rule, { process, critical, outcome }, group(seat) ?? { n: 1, mean: outcome, std: 0 });
    turnIndexes.forEach((turn, t) => out.push({ turn, ...(seat === undefined ? {} : { seat }), processReward: process[t], critical: critical.includes(t), return: w.returns[t], weight: w.weights[t] }));
  }
  return out.sort((a, b) => a.turn - b.turn);
}
