/**
 * The viewer's reads: SQL over a run store's columns and indices (the `episodes_facts` covering index holds what
 * list pages filter, sort and sum on), so no list page decodes more than the episodes it shows. Pure functions of
 * a connection; the pages render what they return.
 */
import type { Episode, ModelRef } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { meanCI, tQuantile975, wilson, type Estimate } from '../eval/stats.js';
import { decodeEpisode } from '../store/codec.js';
import type { GroupStats } from '../rewards/returns.js';
import type { Db } from './run-db.js';
import { outcomeSql, type WeightSetting } from './weights.js';

type Rec = Record<string, unknown>;

/** Mean with a 95% t interval from a count, a sum and a sum of squares. */
export function meanFromSums(n: number, sum: number, sumSq: number): Estimate {
  if (n === 0) return { n, mean: NaN, lo: NaN, hi: NaN };
  const mean = sum / n;
  if (n === 1) return { n, mean, lo: NaN, hi: NaN };
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

export interface Headline {
  /** What the figure is: success rate, WebShop score, SOTOPIA goal. */
  name: string;
  est: Estimate;
  /** Multiply for display (100: percent; 10: the goal's 0–10 scale). */
  scale: number;
}

/** The figure a run is judged by, from its environment. */
export function headline(env: string, n: number, successes: number, rewardSum: number, rewardSumSq: number): Headline {
  if (/sotopia/i.test(env)) {
    // outcome.reward is the tested seat's goal / 10 (older stores may hold the raw 0–10 goal)
    const raw = n > 0 && rewardSum / n > 1;
    return { name: 'goal (0–10)', est: meanFromSums(n, rewardSum, rewardSumSq), scale: raw ? 1 : 10 };
  }
  if (/webshop/i.test(env)) return { name: 'score', est: meanFromSums(n, rewardSum, rewardSumSq), scale: 100 };
  return { name: 'success', est: wilson(successes, n), scale: 100 };
}

export type RunKind = 'eval' | 'sotopia' | 'selfplay' | 'episodes' | 'empty';

export interface RunOverview {
  env: string;
  kind: RunKind;
  protocol?: Rec;
  sotopia?: Rec;
  selfplay?: Rec;
  models: Record<string, ModelRef>;
  episodes: number;
  successes: number;
  headline: Headline;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  firstAt?: string;
  lastAt?: string;
}

export function readMeta<T = Rec>(db: Db, key: string): T | undefined {
  const text = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  if (text === undefined) return undefined;
  try { return JSON.parse(text) as T; } catch { return undefined; }
}

export function runOverview(db: Db): RunOverview {
  const protocol = readMeta(db, 'protocol'), sotopia = readMeta(db, 'sotopia'), selfplay = readMeta(db, 'selfplay');
  const a = db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(success), 0) AS k, COALESCE(SUM(reward), 0) AS s, COALESCE(SUM(reward * reward), 0) AS s2,
    COALESCE(SUM(prompt_tokens), 0) AS pt, COALESCE(SUM(completion_tokens), 0) AS ct, COALESCE(SUM(cost_usd), 0) AS cost,
    MIN(finished_at) AS first, MAX(finished_at) AS last FROM episodes INDEXED BY episodes_facts`).get() as { n: number; k: number; s: number; s2: number; pt: number; ct: number; cost: number; first: string | null; last: string | null };
  const first = db.prepare('SELECT env, json_extract(data, \'$.models\') AS models FROM episodes ORDER BY rowid LIMIT 1').get() as { env: string; models: string | null } | undefined;
  const env = String(protocol?.env ?? sotopia?.env ?? first?.env ?? (selfplay ? 'self-play' : 'unknown'));
  let models = (protocol?.models ?? sotopia?.models) as Record<string, ModelRef> | undefined;
  if (!models && first?.models) { try { models = JSON.parse(first.models) as Record<string, ModelRef>; } catch { models = {}; } }
  const kind: RunKind = protocol ? 'eval' : sotopia ? 'sotopia' : selfplay ? 'selfplay' : a.n ? 'episodes' : 'empty';
  return {
    env, kind, protocol, sotopia, selfplay, models: models ?? {}, episodes: a.n, successes: a.k, headline: headline(env, a.n, a.k, a.s, a.s2),
    promptTokens: a.pt, completionTokens: a.ct, costUsd: a.cost, firstAt: a.first ?? undefined, lastAt: a.last ?? undefined,
  };
}

export interface TypeRow { type: string; n: number; successes: number; success: Estimate; reward: Estimate }

/** Success and mean reward per task type (episodes without a type under "(none)"). */
export function typeRows(db: Db): TypeRow[] {
  const rows = db.prepare(`SELECT COALESCE(task_type, '(none)') AS type, COUNT(*) AS n, SUM(success) AS k, SUM(reward) AS s, SUM(reward * reward) AS s2
    FROM episodes INDEXED BY episodes_facts GROUP BY 1 ORDER BY 1`).all() as { type: string; n: number; k: number; s: number; s2: number }[];
  return rows.map((r) => ({ type: r.type, n: r.n, successes: r.k, success: wilson(r.k, r.n), reward: meanFromSums(r.n, r.s, r.s2) }));
}

export function reasonCounts(db: Db): { reason: string; n: number }[] {
  return db.prepare('SELECT reason, COUNT(*) AS n FROM episodes INDEXED BY episodes_facts GROUP BY reason ORDER BY n DESC, reason').all() as { reason: string; n: number }[];
}

/** Ends that are not the environment's own: errors, timeouts, partners that left… (the episodes a run lost). */
export const FAILURE_REASONS = ['error', 'timeout', 'stale', 'left'];

export function failures(db: Db, limit = 50): { id: string; reason: string; error: string | null }[] {
  const marks = FAILURE_REASONS.map(() => '?').join(', ');
  return db.prepare(`SELECT id, reason, json_extract(data, '$.error') AS error FROM episodes WHERE reason IN (${marks}) ORDER BY task_id, trial LIMIT ?`)
    .all(...FAILURE_REASONS, limit) as { id: string; reason: string; error: string | null }[];
}

export interface EpisodeFilter {
  success?: boolean;
  type?: string;
  /** Text anywhere in the episode (task, strategies, actions, observations), case-insensitive for ASCII. */
  q?: string;
  /** Keep episodes with some strategist-turn weight in [wmin, wmax]. */
  wmin?: number;
  wmax?: number;
  task?: string;
  page: number;
  perPage: number;
}

export interface EpisodeRow {
  id: string;
  taskId: string;
  trial: number;
  success: boolean;
  reward: number;
  reason: string;
  turns: number;
  type: string | null;
  /** The setting's label of this episode, when it has one. */
  label?: Label;
}

/** `%text%` for LIKE with the wildcard characters of the text escaped. */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One page of episodes matching the filter (in task, trial order) and how many match in all. */
export function episodePage(db: Db, env: string, setting: WeightSetting, f: EpisodeFilter): { total: number; rows: EpisodeRow[] } {
  const where: string[] = [];
  const params: Rec = { labeler: setting.labeler ?? null };
  if (f.success !== undefined) { where.push('e.success = @success'); params.success = f.success ? 1 : 0; }
  if (f.type !== undefined) {
    if (f.type === '(none)') where.push('e.task_type IS NULL');
    else { where.push('e.task_type = @type'); params.type = f.type; }
  }
  if (f.task !== undefined) { where.push('e.task_id = @task'); params.task = f.task; }
  if (f.q) { where.push("e.data LIKE @q ESCAPE '\\'"); params.q = likePattern(f.q); }
  const weighted = f.wmin !== undefined || f.wmax !== undefined;
  let groups = '';
  if (weighted) {
    // the baseline and grpo rules compare an episode with its task's group: their outcome mean and deviation
    const grouped = setting.rule.name === 'baseline' || setting.rule.name === 'grpo';
    const o = outcomeSql(env, 'x.');
    if (grouped) groups = `LEFT JOIN (SELECT x.task_id, AVG(${o}) AS gm, AVG(${o} * ${o}) AS gm2 FROM episodes x INDEXED BY episodes_facts GROUP BY x.task_id) g ON g.task_id = e.task_id`;
    const stats = grouped ? 'g.gm, SQRT(MAX(0, g.gm2 - g.gm * g.gm))' : 'NULL, NULL';
    where.push(`epo_weight_in(l.data, ${outcomeSql(env, 'e.')}, ${stats}, @rule, @wmin, @wmax)`);
    Object.assign(params, { rule: JSON.stringify(setting.rule), wmin: f.wmin ?? null, wmax: f.wmax ?? null });
  }
  const from = `FROM episodes e ${weighted ? 'LEFT JOIN labels l ON l.episode_id = e.id AND l.labeler = @labeler' : ''} ${groups} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  // A filter that reads more than the covering index (text search, the weight function) runs once per episode: the
  // page's rows carry the filtered total (a window over the whole match). Cheap filters count on the index instead.
  const costly = weighted || !!f.q;
  const inner = `SELECT e.id, e.task_id AS taskId, e.trial, e.success, e.reward, e.reason, e.turns, e.task_type AS type${costly ? ', COUNT(*) OVER () AS total' : ''} ${from}
    ORDER BY e.task_id, e.trial LIMIT @limit OFFSET @offset`;
  const rows = db.prepare(`SELECT p.*, pl.data AS label FROM (${inner}) p LEFT JOIN labels pl ON pl.episode_id = p.id AND pl.labeler = @labeler ORDER BY p.taskId, p.trial`)
    .all({ ...params, limit: f.perPage, offset: (Math.max(1, f.page) - 1) * f.perPage }) as
    { id: string; taskId: string; trial: number; success: number; reward: number; reason: string; turns: number; type: string | null; label: string | null; total?: number }[];
  const total = costly && rows.length ? rows[0].total! : db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(params) as number;
  return {
    total,
    rows: rows.map((r) => {
      let label: Label | undefined;
      try { label = r.label ? JSON.parse(r.label) as Label : undefined; } catch { label = undefined; }
      return { id: r.id, taskId: r.taskId, trial: r.trial, success: r.success === 1, reward: r.reward, reason: r.reason, turns: r.turns, type: r.type, ...(label ? { label } : {}) };
    }),
  };
}

/** One episode decoded, with every label it has; undefined when the id is not stored. */
export function episodeWithLabels(db: Db, id: string): { episode: Episode; labels: Label[] } | undefined {
  const text = db.prepare('SELECT data FROM episodes WHERE id = ?').pluck().get(id) as string | undefined;
  if (text === undefined) return undefined;
  const episode = decodeEpisode(JSON.parse(text));
  const labels = (db.prepare('SELECT data FROM labels WHERE episode_id = ? ORDER BY labeler').pluck().all(id) as string[]).flatMap((t) => {
    try { return [JSON.parse(t) as Label]; } catch { return []; }
  });
  return { episode, labels };
}

/** Outcome statistics of one task's episodes (the group the baseline and grpo rules compare within). */
export function taskGroup(db: Db, env: string, taskId: string): GroupStats {
  const o = outcomeSql(env);
  const r = db.prepare(`SELECT COUNT(*) AS n, AVG(${o}) AS m, AVG(${o} * ${o}) AS m2 FROM episodes WHERE task_id = ?`).get(taskId) as { n: number; m: number | null; m2: number | null };
  const mean = r.m ?? 0;
  return { n: r.n, mean, std: Math.sqrt(Math.max(0, (r.m2 ?? 0) - mean * mean)) };
}

export interface TaskOutcome { taskId: string; n: number; successes: number; meanOutcome: number; ids: string[]; wins: boolean[] }

/** Per task: episodes, successes, mean outcome, and the episode ids in trial order (for compare). */
export function taskOutcomes(db: Db, env: string): Map<string, TaskOutcome> {
  const o = outcomeSql(env);
  const rows = db.prepare(`SELECT task_id AS taskId, COUNT(*) AS n, SUM(success) AS k, AVG(${o}) AS m, GROUP_CONCAT(id, char(31)) AS ids, GROUP_CONCAT(success, '') AS wins
    FROM (SELECT task_id, trial, id, success, reward FROM episodes INDEXED BY episodes_facts ORDER BY task_id, trial) GROUP BY task_id`).all() as { taskId: string; n: number; k: number; m: number; ids: string; wins: string }[];
  return new Map(rows.map((r) => [r.taskId, { taskId: r.taskId, n: r.n, successes: r.k, meanOutcome: r.m, ids: r.ids.split('\u001f'), wins: [...r.wins].map((c) => c === '1') }]));
}

/** Paired difference of mean outcome (b − a) over the tasks both runs played, with a 95% t interval. */
export function pairedDifference(a: Map<string, TaskOutcome>, b: Map<string, TaskOutcome>): Estimate {
  const d: number[] = [];
  for (const [task, x] of a) { const y = b.get(task); if (y) d.push(y.meanOutcome - x.meanOutcome); }
  return meanCI(d);
}
