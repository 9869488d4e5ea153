/**
 * The released EPO RL data (Hugging Face `Tongyi-ConvAI/EPO-RL-data`) as an epo dataset. Records are ShareGPT
 * conversations (`conversations: [{from, value, index?, score?}]`) in one of two forms:
 *   before preprocessing: a trajectory `score` and `location` (the conversation indices the judge picked), gpt turns
 *     carrying their `index`; turned into per-turn weights as the reference's `preprocessing.py` does;
 *   after preprocessing: a `score` on every gpt turn (a number as a string), taken as the weight as it is.
 *
 * The reference preprocessing (LLaMA-Factory/data/utils/preprocessing.py), re-stated:
 *   R = score / scale (scale 10: "only for sotopia_pi"; the ALFWorld/WebShop data was made with the line edited);
 *   L = set(location); last = the largest `index` of a gpt turn;
 *   per gpt turn: r = 1.0 if its index is in L, else R if its index is `last`, else 0.0;
 *   G_t = r_t + γ·G_{t+1} over the gpt turns (γ = 0.99); weight_t = G_t / max|G| (all 0 when max|G| = 0).
 * Where the script would crash (no gpt turn, a gpt turn without `index`, no `score` reaching the last turn, a score
 * that is not a number) the record is refused with the reason; a conversation LLaMA-Factory would drop (not
 * alternating human/gpt, not ending with gpt) is skipped and counted, as the fork logs and drops it.
 */
import { EpoError } from '../core/errors.js';
import type { ChatMessage } from '../core/messages.js';
import { codeVersion } from '../core/version.js';
import { makeRule } from '../rewards/returns.js';
import { normaliseChat, type Dataset, type DatasetExample } from './dataset.js';

export type EpoRlForm = 'before' | 'after';

export interface EpoRlTurn {
  from: string;
  value: string;
  index?: number;
  score?: string | number;
}

export interface EpoRlRecord {
  conversations: EpoRlTurn[];
  score?: number;
  location?: unknown[];
}

export interface PreprocessOptions {
  /** Divides the trajectory score (10 for SOTOPIA's 0–10 goal, as released; 1 for ALFWorld/WebShop outcomes). */
  scoreScale: number;
  gamma: number;
}

export const REFERENCE_PREPROCESS: PreprocessOptions = { scoreScale: 10, gamma: 0.99 };

/** Per gpt turn: the raw reward r, the discounted return G and the normalised weight, as preprocessing.py computes. */
export interface TurnScores {
  rewards: number[];
  returns: number[];
  weights: number[];
}

/** The before form has no per-turn scores; the after form has one on every gpt turn. */
export function epoRlForm(rec: EpoRlRecord): EpoRlForm {
  return rec.conversations.some((c) => c.from === 'gpt' && c.score !== undefined) ? 'after' : 'before';
}

/** preprocessing.py on one record (before form). Throws a plain Error with the reason the script would fail. */
export function preprocessScores(rec: EpoRlRecord, o: PreprocessOptions = REFERENCE_PREPROCESS): TurnScores {
  const gpt = rec.conversations.filter((c) => c.from === 'gpt');
  if (!gpt.length) throw new Error('no gpt turn');
  gpt.forEach((c, k) => { if (typeof c.index !== 'number') throw new Error(`gpt turn ${k + 1} has no numeric "index" (the position the judge's "location" refers to)`); });
  if (rec.score !== undefined && rec.score !== null && typeof rec.score !== 'number') throw new Error(`"score" ${JSON.stringify(rec.score)} is not a number`);
  if (rec.location !== undefined && !Array.isArray(rec.location)) throw new Error(`"location" ${JSON.stringify(rec.location)} is not a list of indices`);
  const outcome = typeof rec.score === 'number' ? rec.score / o.scoreScale : undefined;
  // Python's set membership: 1 == 1.0 == True; a string never equals an int index
  const picked = new Set((rec.location ?? []).map((v) => (typeof v === 'boolean' ? Number(v) : v)));
  const last = Math.max(...gpt.map((c) => c.index!));
  const rewards = gpt.map((c) => {
    if (picked.has(c.index)) return 1.0;
    if (c.index === last) {
      if (outcome === undefined) throw new Error('no trajectory "score" for the last gpt turn (the judge did not pick it)');
      return outcome;
    }
    return 0.0;
  });
  const returns = new Array<number>(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) returns[t] = g = o.gamma * g + rewards[t];
  const maxAbs = Math.max(...returns.map(Math.abs));
  return { rewards, returns, weights: returns.map((x) => (maxAbs !== 0 ? x / maxAbs : 0.0)) };
}

/** The after form: every gpt turn's `score` read as LLaMA-Factory's aligner does (`float(score)`). */
export function givenScores(rec: EpoRlRecord): number[] {
  return rec.conversations.filter((c) => c.from === 'gpt').map((c, k) => {
    const w = typeof c.score === 'number' ? c.score : typeof c.score === 'string' && c.score.trim() !== '' ? Number(c.score) : NaN;
    if (!Number.isFinite(w)) throw new Error(`gpt turn ${k + 1} has no numeric "score" (got ${JSON.stringify(c.score)})`);
    return w;
  });
}

const ROLES: Record<string, ChatMessage['role']> = { human: 'user', gpt: 'assistant', system: 'system' };

/** The conversation as a chat: a leading system turn split off (as the aligner does); a string says what is wrong. */
export function epoRlChat(rec: EpoRlRecord): { system?: string; messages: ChatMessage[] } | string {
  const chat: ChatMessage[] = [];
  for (const [i, c] of rec.conversations.entries()) {
    const role = ROLES[c.from];
    if (!role || (role === 'system' && i > 0)) return `turn ${i} is from "${c.from}"`;
    chat.push({ role, content: String(c.value ?? '') });
  }
  return normaliseChat(chat);
}

export interface ImportOptions extends PreprocessOptions {
  /** Names the source in example ids and the record (e.g. the file name). */
  source: string;
  /** `auto` (default): per record, after when a gpt turn carries a score. */
  form?: EpoRlForm | 'auto';
  env?: string;
}

/** The records as an epo dataset (all in the train split; the reference trains on all of them). */
export function importEpoRl(records: readonly unknown[], o: ImportOptions): Dataset {
  const examples: DatasetExample[] = [];
  const skipped: Record<string, number> = {};
  const skippedExamples: { id: string; why: string }[] = [];
  const forms = { before: 0, after: 0 };
  records.forEach((raw, i) => {
    const id = `${o.source}#${i}`;
    const rec = raw as EpoRlRecord;
    if (!rec || typeof rec !== 'object' || !Array.isArray(rec.conversations)) {
      throw new EpoError('BAD_DATA', 'a record needs "conversations" (a list of {from, value})', { where: id });
    }
    const form = o.form && o.form !== 'auto' ? o.form : epoRlForm(rec);
    let scores: TurnScores;
    try {
      if (form === 'before') scores = preprocessScores(rec, o);
      else { const w = givenScores(rec); scores = { rewards: w, returns: w, weights: w }; }
    } catch (e) {
      throw new EpoError('BAD_DATA', `${(e as Error).message} (${form} preprocessing form; see docs/training.md)`, { where: id });
    }
    const chat = epoRlChat(rec);
    if (typeof chat === 'string') {
      skipped.bad_chat = (skipped.bad_chat ?? 0) + 1;
      if (skippedExamples.length < 20) skippedExamples.push({ id, why: `bad_chat: ${chat}` });
      return;
    }
    forms[form]++;
    examples.push({
      id, run: o.source, episodeId: String(i), env: o.env ?? 'epo-rl', taskId: String(i),
      ...(chat.system === undefined ? {} : { system: chat.system }), messages: chat.messages,
      weights: scores.weights, rewards: scores.rewards, returns: scores.returns,
      outcome: form === 'before' && typeof rec.score === 'number' ? rec.score / o.scoreScale : NaN, split: 'train',
    });
  });
  let min = Infinity, max = -Infinity, sum = 0, neg = 0, count = 0;
  for (const ex of examples) for (const w of ex.weights) { min = Math.min(min, w); max = Math.max(max, w); sum += w; if (w < 0) neg++; count++; }
  return {
    examples,
    record: {
      createdAt: new Date().toISOString(), codeVersion: codeVersion(), rule: makeRule('reference', { gamma: o.gamma }), labeler: null,
      sources: [{ run: o.source, episodes: records.length }], filters: { minOutcome: null, dedup: false },
      split: { valFraction: 0, seed: 0, by: 'taskId', valTasks: 0 },
      counts: { episodes: records.length, trajectories: records.length, examples: examples.length, train: examples.length, val: 0, skipped },
      weights: count ? { min, max, mean: sum / count, negativeFraction: neg / count } : { min: 0, max: 0, mean: 0, negativeFraction: 0 },
      skippedExamples,
      import: { format: 'epo-rl', source: o.source, forms, scoreScale: o.scoreScale, gamma: o.gamma },
    },
  };
}
