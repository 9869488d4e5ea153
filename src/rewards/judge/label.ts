/**
 * The LLM judge as a labeler. Per episode (and per strategist seat in SOTOPIA) it asks the judge which numbered
 * strategies were decisive, repairs a bad answer a bounded number of times, optionally draws several samples
 * (distinct seeds) and keeps the turns picked by more than `voteThreshold` of the valid samples. The label stores
 * p_t = 1 on the kept turns and 0 elsewhere, over all strategist turns in episode order, plus the vote fractions.
 */
import type { Episode } from '../../core/episode.js';
import { describeError, EpoError } from '../../core/errors.js';
import { deriveSeed } from '../../core/random.js';
import type { ChatMessage } from '../../core/messages.js';
import type { ChatModel } from '../../llm/model.js';
import type { Label } from '../../core/label.js';
import { strategistSeats, strategistTurnIndexes } from '../outcome.js';
import { mapPool } from '../../core/pool.js';
import { parseJudgeAnswer, repairMessage, type JudgeAnswer } from './parse.js';
import { judgeMessages } from './prompts.js';

export interface JudgeOptions {
  model: ChatModel;
  /** Reference: 0.7. */
  temperature?: number;
  maxTokens?: number;
  /** Independent samples per episode and seat (vote). Default 1. */
  samples?: number;
  /** A turn is kept when picked by more than this fraction of the valid samples. Default 0.5 (a strict majority). */
  voteThreshold?: number;
  /** Follow-up messages asking the judge to fix a bad answer, per sample. Default 2. */
  maxRepairs?: number;
  seed?: number;
  /** Labeler name stored with the label; default `judge:<model spec>`. */
  labeler?: string;
  signal?: AbortSignal;
}

export interface JudgeCounters {
  calls: number;
  repairs: number;
  /** Samples with no usable answer after all repairs. */
  failedSamples: number;
  /** Strategy numbers dropped because they were invalid even after repairs. */
  droppedIndexes: number;
  /** With several samples: turns voted on, and those on which every valid sample agreed (all picked or none did). */
  votedTurns: number;
  unanimousTurns: number;
}

export const newCounters = (): JudgeCounters => ({ calls: 0, repairs: 0, failedSamples: 0, droppedIndexes: 0, votedTurns: 0, unanimousTurns: 0 });

export const judgeLabeler = (spec: string): string => `judge:${spec}`;

/** One judge sample: ask, repair up to maxRepairs times; a still-invalid but partial answer keeps its valid numbers. */
async function sampleOnce(model: ChatModel, messages: ChatMessage[], count: number, seed: number, o: JudgeOptions, c: JudgeCounters): Promise<JudgeAnswer | undefined> {
  const chat = [...messages];
  let partial: JudgeAnswer | undefined;
  const maxRepairs = o.maxRepairs ?? 2;
  for (let attempt = 0; attempt <= maxRepairs; attempt++) {
    if (attempt > 0) c.repairs++;
    c.calls++;
    const res = await model.complete({
      messages: chat, temperature: o.temperature ?? 0.7, maxTokens: o.maxTokens ?? 800, seed, signal: o.signal,
      jsonSchema: { name: 'critical_strategies', schema: JUDGE_SCHEMA },
    });
    const parsed = parseJudgeAnswer(res.text, count);
    if (parsed.ok) return parsed.answer;
    partial = parsed.partial ?? partial;
    chat.push({ role: 'assistant', content: res.text }, repairMessage(parsed.problem));
  }
  if (partial) { c.droppedIndexes += partial.invalid.length; return partial; }
  c.failedSamples++;
  return undefined;
}

export const JUDGE_SCHEMA = {
  type: 'object',
  properties: { indexes: { type: 'array', items: { type: 'integer' } }, reasoning: { type: 'string' } },
  required: ['indexes', 'reasoning'],
  additionalProperties: false,
};

/** Judge one episode; throws (EpoError MODEL_OUTPUT) only when no sample of some seat gave a usable answer. */
export async function judgeEpisode(e: Episode, o: JudgeOptions, c: JudgeCounters = newCounters()): Promise<Label> {
  const all = strategistTurnIndexes(e);
  const position = new Map(all.map((turn, k) => [turn, k]));
  const rewards = all.map(() => 0), votes = all.map(() => 0);
  const critical: number[] = [], reasoning: string[] = [];
  const samples = Math.max(1, o.samples ?? 1), threshold = o.voteThreshold ?? 0.5;
  for (const seat of strategistSeats(e)) {
    const mine = strategistTurnIndexes(e, seat);
    const { messages, count } = judgeMessages(e, seat);
    // Samples run concurrently (the model's own concurrency limit bounds them); order is kept for the reasoning.
    const drawn = await Promise.all(Array.from({ length: samples }, (_, j) => sampleOnce(o.model, messages, count, deriveSeed(o.seed ?? 0, e.id, seat ?? -1, j), o, c)));
    const answers = drawn.filter((a): a is JudgeAnswer => a !== undefined);
    if (answers.length === 0) {
      throw new EpoError('MODEL_OUTPUT', `the judge gave no usable answer in ${samples} sample(s)`, { where: `episode ${e.id}${seat === undefined ? '' : ` seat ${seat}`}` });
    }
    mine.forEach((turn, k) => {
      const v = answers.filter((a) => a.indexes.includes(k)).length / answers.length;
      const pos = position.get(turn)!;
      votes[pos] = v;
      if (v > threshold) { rewards[pos] = 1; critical.push(pos); }
      if (answers.length > 1) { c.votedTurns++; if (v === 0 || v === 1) c.unanimousTurns++; }
    });
    const why = answers[0].reasoning.trim();
    if (why) reasoning.push(seat === undefined ? why : `seat ${seat}: ${why}`);
  }
  critical.sort((a, b) => a - b);
  return {
    labeler: o.labeler ?? judgeLabeler(o.model.spec), rewards, critical, reasoning: reasoning.join('\n'),
    votes, samples, judge: o.model.spec, temperature: o.temperature ?? 0.7,
  };
}

export interface LabelStats {
  total: number;
  skipped: number;
  labelled: number;
  failed: number;
  errors: { id: string; error: string }[];
}

/**
 * Label many episodes with bounded concurrency. Episodes are loaded one at a time (`load`), so a large run is never held
 * in memory. Each label is handed to `save` as soon as it exists (an interrupted run keeps its work); an episode whose
 * labeling fails is counted and left unlabelled for the next run.
 */
export async function labelEpisodes(
  ids: readonly string[], load: (id: string) => Episode | undefined, label: (e: Episode) => Promise<Label>, save: (id: string, l: Label) => void,
  opts: { concurrency: number; signal?: AbortSignal; onProgress?(s: LabelStats): void },
): Promise<LabelStats> {
  const stats: LabelStats = { total: ids.length, skipped: 0, labelled: 0, failed: 0, errors: [] };
  await mapPool(ids, opts.concurrency, async (id) => {
    try {
      const e = load(id);
      if (!e) throw new EpoError('NOT_FOUND', 'episode not found', { where: `episode ${id}` });
      const l = await label(e);
      if (opts.signal?.aborted) return;
      save(id, l);
      stats.labelled++;
    } catch (err) {
      if (opts.signal?.aborted) return;
      stats.failed++;
      stats.errors.push({ id, error: describeError(err) });
    }
    opts.onProgress?.(stats);
  }, opts.signal);
  return stats;
}
