/**
 * The SOTOPIA benchmark protocol and its report.
 *
 * Plan: self-play runs one episode per task with the tested model on both seats; fixed partner runs the tested model
 * on each chosen seat against the partner (both seats by default, so each task gives two episodes). `--tasks hard`
 * runs the 14 hard scenarios; with a fixed partner only the seats the hard list evaluates.
 *
 * Aggregate: "all" takes every seat the tested model played; "hard" takes, for every entry (scenario, seat) of the
 * official list, that seat's scores from every episode of the scenario where the tested model sat there (20 × 5 = 100
 * values per trial from a full run). The partner's scores are reported the same way from the seats it played. Each
 * figure is a mean with a 95% Student-t interval (`meanCI`).
 */
import type { Episode } from '../core/episode.js';
import { meanCI, formatEstimate, type Estimate } from './stats.js';
import { DIMENSIONS, RANGES, SHORT, type Dimension } from '../envs/sotopia/evaluator.js';
import type { HardEntry } from '../envs/sotopia/hard.js';
import type { Combo } from '../envs/sotopia/profiles.js';
import type { TaskSet } from '../envs/sotopia/data.js';
import { sotopiaEpisodeUsage, sotopiaUsageByRole, type Seat, type SotopiaEvaluation, type UsageRole } from '../rollout/sotopia.js';
import { episodeId } from '../core/episode.js';
import { gridPlan, type Plan } from '../rollout/plan.js';

export type Metric = Dimension | 'overall';
export const METRICS: readonly Metric[] = ['goal', 'overall', ...DIMENSIONS.filter((d) => d !== 'goal')];

export interface PlanOptions {
  selfPlay: boolean;
  /** Seats the tested model takes (fixed partner). */
  seats: Seat[];
  taskSet: TaskSet;
  trials: number;
  hard: readonly HardEntry[];
}

export interface PlannedEpisode {
  /** Episode id: `${taskId}#${trial}`. */
  id: string;
  taskId: string;
  trial: number;
  combo: Combo;
  /** Seats played by the tested model. */
  testSeats: Seat[];
}

/** The planned episodes, trial by trial, produced on demand (trials × tasks × seats is never listed in memory). */
export function planSotopia(tasks: readonly Combo[], o: PlanOptions): Plan<PlannedEpisode> {
  const hardSeats = new Set(o.hard.map((h) => `${h.scenarioId}:${h.seat}`));
  const entries: { taskId: string; combo: Combo; testSeats: Seat[] }[] = [];
  for (const combo of tasks) {
    if (o.selfPlay) { entries.push({ taskId: `${combo.id}.self`, combo, testSeats: [0, 1] }); continue; }
    for (const s of o.seats) {
      if (o.taskSet === 'hard' && !hardSeats.has(`${combo.scenarioId}:${s}`)) continue;
      entries.push({ taskId: `${combo.id}.s${s}`, combo, testSeats: [s] });
    }
  }
  return gridPlan({
    entries, key: (e) => e.taskId, trials: o.trials, order: 'trial',
    item: (e, trial) => ({ id: episodeId(e.taskId, trial), taskId: e.taskId, trial, combo: e.combo, testSeats: e.testSeats }),
  });
}

export interface ScoreSet {
  /** Number of seat scores. */
  n: number;
  metrics: Record<Metric, Estimate>;
}

export interface SotopiaReport {
  episodes: number;
  evaluated: number;
  /** Episodes whose evaluation failed (re-evaluated on the next run). */
  unevaluated: string[];
  tested: { all: ScoreSet; hard: ScoreSet };
  partner?: { all: ScoreSet; hard: ScoreSet };
  tokensPerEpisode: Estimate;
  costUsdPerEpisode: Estimate;
  /** Model-output health: actor replies unusable after repairs (became none), actor replies that needed a repair, evaluations that needed one. */
  format: { actorTurns: number; invalidActions: number; repairedActions: number; repairedEvaluations: number };
  /** Mean tokens (prompt + completion) per episode by role. */
  tokensByRole: Record<UsageRole, number>;
  turnsPerEpisode: Estimate;
}

type Scores = Record<Metric, number>;

function scoreSet(rows: Scores[]): ScoreSet {
  return { n: rows.length, metrics: Object.fromEntries(METRICS.map((m) => [m, meanCI(rows.map((r) => r[m]))])) as Record<Metric, Estimate> };
}

const scenarioOf = (e: Episode): string => String((e.task as { scenarioId?: string }).scenarioId);

export function aggregateSotopia(episodes: readonly Episode[], hard: readonly HardEntry[], selfPlay: boolean): SotopiaReport {
  const rows = { tested: { all: [] as Scores[], hard: [] as Scores[] }, partner: { all: [] as Scores[], hard: [] as Scores[] } };
  const unevaluated: string[] = [];
  const usable: { e: Episode; ev: SotopiaEvaluation }[] = [];
  for (const e of episodes) {
    const ev = e.evaluation as SotopiaEvaluation | undefined;
    if (!ev?.ok || !ev.seats) { unevaluated.push(e.id); continue; }
    usable.push({ e, ev });
  }
  const role = (ev: SotopiaEvaluation, s: Seat) => (ev.testSeats.includes(s) ? 'tested' : 'partner');
  for (const { ev } of usable) for (const s of [0, 1] as const) rows[role(ev, s)].all.push(ev.seats![s].scores);
  const byScenario = new Map<string, { e: Episode; ev: SotopiaEvaluation }[]>();
  for (const u of usable) byScenario.set(scenarioOf(u.e), [...(byScenario.get(scenarioOf(u.e)) ?? []), u]);
  for (const h of hard) {
    for (const { ev } of byScenario.get(h.scenarioId) ?? []) rows[role(ev, h.seat)].hard.push(ev.seats![h.seat].scores);
  }
  const usage = episodes.map(sotopiaEpisodeUsage);
  return {
    episodes: episodes.length, evaluated: usable.length, unevaluated,
    tested: { all: scoreSet(rows.tested.all), hard: scoreSet(rows.tested.hard) },
    ...(selfPlay ? {} : { partner: { all: scoreSet(rows.partner.all), hard: scoreSet(rows.partner.hard) } }),
    tokensPerEpisode: meanCI(usage.map((u) => u.promptTokens + u.completionTokens)),
    tokensByRole: meanTokensByRole(episodes),
    format: formatHealth(episodes),
    costUsdPerEpisode: meanCI(usage.map((u) => u.costUsd ?? 0)),
    turnsPerEpisode: meanCI(episodes.map((e) => e.turns.length)),
  };
}

function formatHealth(episodes: readonly Episode[]): SotopiaReport['format'] {
  const f = { actorTurns: 0, invalidActions: 0, repairedActions: 0, repairedEvaluations: 0 };
  for (const e of episodes) {
    for (const t of e.turns) {
      f.actorTurns++;
      if (t.actor?.parseError) f.invalidActions++;
      else if (Number(t.info?.actorAttempts ?? 1) > 1) f.repairedActions++;
    }
    if (((e.evaluation as SotopiaEvaluation | undefined)?.attempts ?? 1) > 1) f.repairedEvaluations++;
  }
  return f;
}

function meanTokensByRole(episodes: readonly Episode[]): Record<UsageRole, number> {
  const sum: Record<UsageRole, number> = { actor: 0, strategist: 0, partner: 0, partner_strategist: 0, evaluator: 0 };
  for (const e of episodes) for (const [k, u] of Object.entries(sotopiaUsageByRole(e))) sum[k as UsageRole] += u.promptTokens + u.completionTokens;
  for (const k of Object.keys(sum) as UsageRole[]) sum[k] = episodes.length ? sum[k] / episodes.length : 0;
  return sum;
}

export interface TableLabels {
  tested: string;
  partner?: string;
  evaluator: string;
  protocol: string;
  taskSet: TaskSet;
  /** Further lines under the title: data version, models and sampling, seeds, limits. */
  details?: string[];
}

/** The printed report: one block per subset (all, hard), dimensions as rows, one column per model. */
export function formatSotopiaTable(r: SotopiaReport, l: TableLabels): string {
  const out: string[] = [];
  out.push(`SOTOPIA (${l.protocol}; evaluator ${l.evaluator})`);
  for (const d of l.details ?? []) out.push(d);
  out.push(`episodes: ${r.episodes} (${r.evaluated} evaluated${r.unevaluated.length ? `, ${r.unevaluated.length} awaiting evaluation` : ''}); turns/episode ${formatEstimate(r.turnsPerEpisode, 1, 1)}`);
  const models: [string, { all: ScoreSet; hard: ScoreSet }][] = [[l.tested, r.tested]];
  if (r.partner && l.partner) models.push([`${l.partner} (partner)`, r.partner]);
  const subsets: ('all' | 'hard')[] = l.taskSet === 'hard' ? ['hard'] : l.taskSet === 'all' ? ['all', 'hard'] : ['all'];
  for (const sub of subsets) {
    const head = ['dimension', 'range', ...models.map(([name, s]) => `${name} (n=${s[sub].n})`)];
    const body = METRICS.map((m) => [
      m === 'overall' ? 'overall' : `${m} ${SHORT[m]}`, m === 'overall' ? 'mean' : `${RANGES[m][0]}..${RANGES[m][1]}`,
      ...models.map(([, s]) => formatEstimate(s[sub].metrics[m], 1, 2)),
    ]);
    const widths = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
    const line = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
    out.push('', `on ${sub === 'hard' ? 'hard' : l.taskSet === 'all' ? 'all' : `${l.taskSet} tasks`} (mean [95% CI])`, line(head), ...body.map(line));
  }
  const roles = (Object.entries(r.tokensByRole) as [UsageRole, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${Math.round(n)}`).join(', ');
  const f = r.format;
  out.push('', `actor replies: ${f.actorTurns}, ${f.invalidActions} unusable (became none), ${f.repairedActions} repaired; evaluations repaired: ${f.repairedEvaluations}, failed: ${r.unevaluated.length}`);
  out.push(`tokens/episode ${formatEstimate(r.tokensPerEpisode, 1, 0)}${roles ? ` (${roles})` : ''}   cost/episode ${Number.isFinite(r.costUsdPerEpisode.mean) ? '$' : ''}${formatEstimate(r.costUsdPerEpisode, 1, 4)}`);
  return out.join('\n');
}
