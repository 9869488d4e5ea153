/**
 * The RL dataset: from the episodes of one or more runs, their labels and a return rule, one example per strategist
 * (per seat in SOTOPIA): the strategist's exact chat (system message split off; user/assistant alternating, starting
 * with user, ending with assistant) and one training weight per assistant message. Filters: a minimum outcome,
 * deduplication of identical chats. A validation split by task id (so validation tasks are unseen in training),
 * deterministic in the seed. The record of how it was built (rule, parameters, labeler, sources, code version,
 * counts) travels with it.
 */
import { createHash } from 'node:crypto';
import { strategistChat, type Episode } from '../core/episode.js';
import { describeError } from '../core/errors.js';
import type { ChatMessage } from '../core/messages.js';
import { createRng, deriveSeed } from '../core/random.js';
import { codeVersion } from '../core/version.js';
import { outcomeReward, seatLabel, strategistSeats, strategistTurnIndexes } from '../rewards/outcome.js';
import { assignWeights, type ReturnRule, type TrajectoryRewards } from '../rewards/returns.js';
import type { Label } from '../core/label.js';

export interface DatasetExample {
  /** `${run}/${episodeId}` plus `@seat${s}` in two-seat environments. */
  id: string;
  run: string;
  episodeId: string;
  env: string;
  taskId: string;
  seat?: number;
  system?: string;
  /** user, assistant, user, …, assistant. */
  messages: ChatMessage[];
  /** One per assistant message. */
  weights: number[];
  rewards: number[];
  returns: number[];
  /** The outcome R in [0, 1]. */
  outcome: number;
  split: 'train' | 'val';
}

/** Where episodes and labels come from (a RunStore fits). */
export interface DatasetSource {
  name: string;
  episodes(): Iterable<Episode>;
  getLabel(episodeId: string, labeler: string): Label | undefined;
}

export interface BuildOptions {
  rule: ReturnRule;
  /** Labeler whose process rewards to use (e.g. `env`, `judge:openai:gpt-4o`); none: outcome only. */
  labeler?: string;
  /** Keep trajectories whose outcome R is at least this. */
  minOutcome?: number;
  /** Drop examples whose chat (system + messages) repeats an earlier one. Default true. */
  dedup?: boolean;
  /** Fraction of task ids held out for validation. Default 0. */
  valFraction?: number;
  seed?: number;
}

export interface DatasetCounts {
  episodes: number;
  trajectories: number;
  examples: number;
  train: number;
  val: number;
  /** Why trajectories were left out, with counts. */
  skipped: Record<string, number>;
}

export interface DatasetRecord {
  createdAt: string;
  codeVersion: string;
  rule: ReturnRule;
  labeler: string | null;
  sources: { run: string; episodes: number }[];
  filters: { minOutcome: number | null; dedup: boolean };
  split: { valFraction: number; seed: number; by: 'taskId'; valTasks: number };
  counts: DatasetCounts;
  weights: { min: number; max: number; mean: number; negativeFraction: number };
  /** A few examples of why trajectories were skipped (episode id and reason). */
  skippedExamples: { id: string; why: string }[];
  [key: string]: unknown;
}

export interface Dataset {
  examples: DatasetExample[];
  record: DatasetRecord;
}

interface Pending extends TrajectoryRewards {
  base: Omit<DatasetExample, 'weights' | 'rewards' | 'returns' | 'split'>;
}

/** Split off a leading system message and check the alternation; a string says what is wrong. */
export function normaliseChat(chat: ChatMessage[]): { system?: string; messages: ChatMessage[] } | string {
  let system: string | undefined;
  let messages = chat;
  if (messages[0]?.role === 'system') { system = messages[0].content; messages = messages.slice(1); }
  if (messages.length === 0) return 'empty chat';
  for (let i = 0; i < messages.length; i++) {
    const want = i % 2 === 0 ? 'user' : 'assistant';
    if (messages[i].role !== want) return `message ${i + (system === undefined ? 0 : 1)} is ${messages[i].role}, expected ${want}`;
  }
  if (messages.length % 2 !== 0) return 'the chat does not end with an assistant message';
  return { system, messages };
}

/**
 * The validation tasks: the task ids ranked by a seeded hash, the first round(fraction × tasks) of them (at least one
 * when the fraction is positive and there are two tasks or more). Deterministic in the seed and the set of task ids.
 */
export function validationTasks(taskIds: Iterable<string>, valFraction: number, seed: number): Set<string> {
  const ids = [...new Set(taskIds)];
  if (!(valFraction > 0) || ids.length < 2) return new Set();
  const k = Math.min(ids.length - 1, Math.max(1, Math.round(valFraction * ids.length)));
  const key = new Map(ids.map((id) => [id, createRng(deriveSeed(seed, 'val', id)).next()]));
  return new Set(ids.sort((a, b) => key.get(a)! - key.get(b)! || (a < b ? -1 : 1)).slice(0, k));
}

export function buildDataset(sources: readonly DatasetSource[], opts: BuildOptions): Dataset {
  const dedup = opts.dedup ?? true, valFraction = opts.valFraction ?? 0, seed = opts.seed ?? 0;
  const skipped: Record<string, number> = {};
  const skippedExamples: { id: string; why: string }[] = [];
  const skip = (why: string, id: string, detail?: string) => {
    skipped[why] = (skipped[why] ?? 0) + 1;
    if (skippedExamples.length < 20) skippedExamples.push({ id, why: detail ? `${why}: ${detail}` : why });
  };
  const pending: Pending[] = [];
  const sourceCounts: { run: string; episodes: number }[] = [];
  let episodes = 0;

  for (const src of sources) {
    let n = 0;
    for (const e of src.episodes()) {
      n++;
      const where = `${src.name}/${e.id}`;
      const label = opts.labeler ? src.getLabel(e.id, opts.labeler) : undefined;
      if (opts.labeler && !label) { skip('unlabelled', where); continue; }
      const allTurns = strategistTurnIndexes(e);
      if (label && label.rewards.length !== allTurns.length) {
        skip('label_mismatch', where, `${label.rewards.length} rewards for ${allTurns.length} strategist turns`);
        continue;
      }
      for (const seat of strategistSeats(e)) {
        const id = seat === undefined ? where : `${where}@seat${seat}`;
        let chat: ChatMessage[];
        try { chat = strategistChat(e, seat); } catch (err) { skip('bad_chat', id, describeError(err)); continue; }
        const norm = normaliseChat(chat);
        if (typeof norm === 'string') { skip('bad_chat', id, norm); continue; }
        let outcome: number;
        try { outcome = outcomeReward(e, seat); } catch (err) { skip('no_outcome', id, describeError(err)); continue; }
        const { process, critical } = seatLabel(e, label, seat);
        pending.push({
          process,
          critical,
          outcome,
          group: `${e.env}|${e.taskId}|${seat ?? ''}`,
          base: { id, run: src.name, episodeId: e.id, env: e.env, taskId: e.taskId, ...(seat === undefined ? {} : { seat }), ...(norm.system === undefined ? {} : { system: norm.system }), messages: norm.messages, outcome },
        });
      }
    }
    episodes += n;
    sourceCounts.push({ run: src.name, episodes: n });
  }

  // Group statistics (baseline, grpo) use every valid trajectory, before the filters below.
  const weighted = assignWeights(opts.rule, pending);
  const seen = new Set<string>();
  const examples: DatasetExample[] = [];
  const valTasks = validationTasks(pending.map((p) => p.base.taskId), valFraction, seed);
  pending.forEach((p, i) => {
    if (opts.minOutcome !== undefined && p.outcome < opts.minOutcome) { skip('below_min_outcome', p.base.id); return; }
    if (dedup) {
      const h = createHash('sha1').update(JSON.stringify([p.base.system ?? null, p.base.messages])).digest('hex');
      if (seen.has(h)) { skip('duplicate', p.base.id); return; }
      seen.add(h);
    }
    const w = weighted[i];
    examples.push({ ...p.base, weights: w.weights, rewards: w.rewards, returns: w.returns, split: valTasks.has(p.base.taskId) ? 'val' : 'train' });
  });

  let min = Infinity, max = -Infinity, sum = 0, neg = 0, count = 0;
  for (const ex of examples) for (const w of ex.weights) { min = Math.min(min, w); max = Math.max(max, w); sum += w; if (w < 0) neg++; count++; }
  const val = examples.filter((x) => x.split === 'val').length;
  return {
    examples,
    record: {
      createdAt: new Date().toISOString(), codeVersion: codeVersion(), rule: opts.rule, labeler: opts.labeler ?? null,
      sources: sourceCounts, filters: { minOutcome: opts.minOutcome ?? null, dedup }, split: { valFraction, seed, by: 'taskId', valTasks: valTasks.size },
      counts: { episodes, trajectories: pending.length, examples: examples.length, train: examples.length - val, val, skipped },
      weights: count ? { min, max, mean: sum / count, negativeFraction: neg / count } : { min: 0, max: 0, mean: 0, negativeFraction: 0 },
      skippedExamples,
    },
  };
}
