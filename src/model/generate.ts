/**
 * Batched generation with a KV cache. Prompts of different lengths are left-padded (padding keys are masked, each
 * row keeps its own positions), every row has its own sampling parameters, seed, stop strings and token budget, and
 * rows that finish leave the batch (their cache rows are dropped). Text is streamed per row through a callback.
 */
import { EpoError } from '../core/errors.js';
import { createRng } from '../core/random.js';
import { eosIds } from './config.js';
import { createDecoder } from './decoder.js';
import type { LlamaModel } from './llama.js';
import { sampleToken, type SamplingParams } from './sampling.js';
import type { BpeTokenizer } from './tokenizer/bpe.js';

export interface GenerateRequest extends SamplingParams {
  prompt: number[];
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** Aborting ends this row only (finish reason "abort"); the rest of the batch goes on. */
  signal?: AbortSignal;
}

export interface GenerateResult {
  ids: number[];
  text: string;
  /** "stop" (end-of-turn token or stop string), "length" (token budget or context window) or "abort". */
  finishReason: 'stop' | 'length' | 'abort';
  promptTokens: number;
  completionTokens: number;
}

export interface GenerateOptions {
  /** Called with each row's new text as it becomes final (never part of a stop string, never a cut UTF-8 char). */
  onText?: (row: number, delta: string) => void;
  /** Give other work on the event loop a turn between tokens (servers). Default true. */
  yieldEvery?: boolean;
  signal?: AbortSignal;
}

interface Row {
  req: GenerateRequest;
  ids: number[];
  text: string;
  emitted: number;
  done?: 'stop' | 'length' | 'abort';
  /** Ended by an end-of-turn token (counted as a completion token, as OpenAI-compatible servers do). */
  eos?: boolean;
  rng: ReturnType<typeof createRng>;
  length: number; // tokens in context (prompt + generated)
}

/** Length of the longest suffix of text that is a proper prefix of some stop string (held back while streaming). */
function heldBack(text: string, stops: readonly string[]): number {
  let hold = 0;
  for (const s of stops) for (let n = Math.min(s.length - 1, text.length); n > hold; n--) if (text.endsWith(s.slice(0, n))) { hold = n; break; }
  return hold;
}

export async function generate(model: LlamaModel, tok: BpeTokenizer, requests: GenerateRequest[], opts: GenerateOptions = {}): Promise<GenerateResult[]> {
  const c = model.config;
  const eos = new Set(eosIds(c));
  const pad = c.pad_token_id ?? 0;
  const ctx = c.max_position_embeddings;
  const rows: Row[] = requests.map((req, i) => {
    if (req.prompt.length === 0) throw new EpoError('BAD_INPUT', `prompt ${i} is empty; start it with the beginning-of-text token`, { where: 'generate' });
    const budget = Math.min(Math.max(1, req.maxTokens ?? 256), ctx - 1);
    // Keep the most recent part of an over-long prompt so that prompt + budget fits the context window.
    const prompt = req.prompt.length + budget > ctx ? req.prompt.slice(req.prompt.length - (ctx - budget)) : req.prompt;
    return { req: { ...req, prompt }, ids: [], text: '', emitted: 0, rng: createRng(req.seed ?? 0), length: prompt.length };
  });
  let active = rows.map((_, i) => i);
  const T = Math.max(...rows.map((r) => r.req.prompt.length));
  const padded = rows.flatMap((r) => [...Array(T - r.req.prompt.length).fill(pad), ...r.req.prompt]);
  const keyMask = rows.map((r) => [...Array(T - r.req.prompt.length).fill(0), ...Array(r.req.prompt.length).fill(1)]);
  const positions = rows.map((r) => [...Array(T - r.req.prompt.length).fill(0), ...r.req.prompt.map((_, t) => t)]);

  const decoder = createDecoder(model, rows.length, T + Math.max(...rows.map((r) => Math.min(Math.max(1, r.req.maxTokens ?? 256), ctx - 1))));
  try {
    let logits = decoder.step(rows.map((_, b) => padded.slice(b * T, (b + 1) * T)), positions, keyMask);
    while (active.length > 0) {
      if (opts.signal?.aborted) break;
      const V = c.vocab_size;
      const next: number[] = [];
      const stillActive: number[] = [];
      const keep: number[] = [];
      active.forEach((ri, j) => {
        const r = rows[ri];
        if (r.req.signal?.aborted) { r.done = 'abort'; return; }
        // Only ids the tokenizer knows (a checkpoint may pad its embedding beyond the vocabulary).
        const id = sampleToken(logits.subarray(j * V, j * V + Math.min(V, tok.vocabSize)), r.req, r.rng);
        if (eos.has(id)) { r.done = 'stop'; r.eos = true; }
        else {
          r.ids.push(id);
          r.length++;
          r.text = tok.decode(r.ids, { skipSpecial: true });
          const stops = r.req.stop ?? [];
          let cut = -1;
          for (const s of stops) { const at = s ? r.text.indexOf(s) : -1; if (at >= 0 && (cut < 0 || at < cut)) cut = at; }
          if (cut >= 0) { r.text = r.text.slice(0, cut); r.done = 'stop'; } else if (r.ids.length >= (r.req.maxTokens ?? 256) || r.length >= ctx) r.done = 'length';
        }
        const safeEnd = r.done ? r.text.length : r.text.length - heldBack(r.text, r.req.stop ?? []) - (r.text.endsWith('\uFFFD') ? 1 : 0);
        if (safeEnd > r.emitted) { opts.onText?.(ri, r.text.slice(r.emitted, safeEnd)); r.emitted = safeEnd; }
        if (!r.done) { stillActive.push(ri); keep.push(j); next.push(id); }
      });
      if (stillActive.length === 0) break;
      if (keep.length < active.length) decoder.keep(keep);
      active = stillActive;
      logits = decoder.step(next.map((id) => [id]), active.map((ri) => [rows[ri].length - 1]), active.map(() => [1]));
      if (opts.yieldEvery !== false) await new Promise((r) => setImmediate(r));
    }
  } finally {
    decoder.dispose();
  }
  return rows.map((r) => ({
    ids: r.ids,
    text: r.text,
    finishReason: r.done ?? 'length',
    promptTokens: r.req.prompt.length,
    completionTokens: r.ids.length + (r.eos ? 1 : 0),
  }));
}
