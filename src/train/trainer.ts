/**
 * The EPO trainer for the built-in model: strategist chats with a weight per assistant turn → token spans
 * (`tokenizeChat`) → the EPO loss of epo-loss.ts (per sample: mean over turns of weight × mean token log-probability;
 * averaged over the batch), optionally plus β·KL to the starting model on the strategist's tokens (k3 estimator).
 * AdamW, linear warm-up + cosine, gradient clipping and accumulation. One log line per optimizer step (loss, weight
 * mean/min/max, lr, grad norm, tokens/s). Checkpoints every `saveEvery` steps and at the end; a re-run with the same
 * output folder resumes from the last checkpoint with the optimizer moments and the data position (the order of
 * examples is a pure function of the seed and the epoch, so step s always sees the same examples).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { ChatMessage } from '../core/messages.js';
import { createRng, deriveSeed, hashString } from '../core/random.js';
import {
  AdamW, clipGradNorm, cosineLr, GradAccumulator, initBackend, loadCheckpoint, loadOptimizerState, packBatch,
  saveCheckpoint, sequenceLogProbs, tf, tokenizeChat, valueAndGrad, type BpeTokenizer, type LlamaModel,
} from '../model/index.js';
import { TRAIN_DEFAULTS as CONFIG_TRAIN_DEFAULTS } from '../config/commands/common.js';
import { epoPositionWeights, spanPositionMask, type WeightedSpan } from './epo-loss.js';

/** One training example: a strategist chat and one weight per assistant message. */
export interface TrainExample {
  id: string;
  system?: string;
  messages: ChatMessage[];
  weights: number[];
}

export interface TrainOptions {
  /** Checkpoint folder to start from (model and tokenizer). */
  init: string;
  /** Output checkpoint folder (also where a killed run resumes from). */
  out: string;
  examples: readonly TrainExample[];
  epochs: number;
  lr: number;
  warmupRatio: number;
  minLrRatio: number;
  batchSize: number;
  accum: number;
  clip: number;
  weightDecay: number;
  /** β of the KL penalty to the starting model (0: off). */
  klCoef: number;
  /** `signed`: weights as given (advantages may be negative); `nonnegative`: negative weights become 0. */
  advantages: 'signed' | 'nonnegative';
  /** Longest sequence in tokens; later turns are dropped (K counts the kept turns), like a cutoff. */
  maxLen: number;
  seed: number;
  saveEvery: number;
  log?: Logger;
  signal?: AbortSignal;
  /** Called after each optimizer step (experiment tracking: loss, learning rate, weight statistics). */
  onStep?(entry: StepLog, totalSteps: number): void;
}

/** The trainer's defaults live with the command schemas (src/config/commands/common.ts), the one source of them. */
export const TRAIN_DEFAULTS: Omit<TrainOptions, 'init' | 'out' | 'examples' | 'log' | 'signal' | 'onStep'> = CONFIG_TRAIN_DEFAULTS;

export interface TrainResult {
  out: string;
  steps: number;
  totalSteps: number;
  finalLoss: number;
  tokens: number;
  tokensPerSecond: number;
  examples: number;
  /** Examples with no assistant turn left after the cutoff. */
  skipped: number;
  /** The run was already finished: nothing was trained. */
  alreadyDone: boolean;
  resumedAt: number;
  history: StepLog[];
}

export interface StepLog { step: number; loss: number; lr: number; gradNorm: number; wMean: number; wMin: number; wMax: number; kl?: number }

/** A tokenized example: ids and its weighted strategist spans. */
export interface Encoded { id: string; ids: number[]; spans: WeightedSpan[] }

/** Tokenize examples; turns that end past maxLen are dropped, examples with none left are skipped. */
export function encodeExamples(tok: BpeTokenizer, examples: readonly TrainExample[], maxLen: number, advantages: TrainOptions['advantages']): { encoded: Encoded[]; skipped: number } {
  const encoded: Encoded[] = [];
  let skipped = 0;
  for (const ex of examples) {
    const chat: ChatMessage[] = ex.system !== undefined ? [{ role: 'system', content: ex.system }, ...ex.messages] : ex.messages;
    const { ids, assistantSpans } = tokenizeChat(tok, chat);
    if (assistantSpans.length !== ex.weights.length) {
      throw new EpoError('BAD_DATA', `example has ${assistantSpans.length} assistant turns but ${ex.weights.length} weights`, { where: ex.id });
    }
    const spans: WeightedSpan[] = [];
    assistantSpans.forEach(([start, end], k) => {
      if (end > maxLen) return;
      const w = ex.weights[k];
      spans.push({ start, end, weight: advantages === 'nonnegative' ? Math.max(0, w) : w });
    });
    if (!spans.length) { skipped++; continue; }
    encoded.push({ id: ex.id, ids: ids.slice(0, spans[spans.length - 1].end), spans });
  }
  return { encoded, skipped };
}

/** The examples of optimizer step `step`: epoch orders are seeded permutations, concatenated. */
export function stepExamples(n: number, perStep: number, step: number, seed: number): number[] {
  const out: number[] = [];
  for (let i = step * perStep; i < (step + 1) * perStep; i++) {
    const epoch = Math.floor(i / n);
    const order = createRng(deriveSeed(seed, 'epoch', epoch)).shuffle(Array.from({ length: n }, (_, j) => j));
    out.push(order[i % n]);
  }
  return out;
}

const fingerprint = (enc: readonly Encoded[], o: TrainOptions): string =>
  hashString(JSON.stringify([enc.map((e) => [e.id, e.ids.length, e.spans.map((s) => s.weight)]), o.epochs, o.lr, o.batchSize, o.accum, o.klCoef, o.seed, o.advantages, o.maxLen])).toString(16);

/** Train (or resume, or notice it is finished). The model in `init` is not modified. */
export async function trainEpo(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? silentLogger;
  const backend = await initBackend();
  const statePath = join(o.out, 'trainer_state.json');
  const prior = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : undefined;
  const start = loadCheckpoint(prior ? o.out : o.init);
  const { model, tokenizer } = start;
  const { encoded, skipped } = encodeExamples(tokenizer, o.examples, Math.min(o.maxLen, model.config.max_position_embeddings), o.advantages);
  if (!encoded.length) throw new EpoError('BAD_DATA', 'no training example has a strategist turn within the length limit', { where: o.out });
  const fp = fingerprint(encoded, o);
  const perStep = o.batchSize * o.accum;
  const totalSteps = Math.max(1, Math.ceil((o.epochs * encoded.length) / perStep));
  const base = { out: o.out, totalSteps, examples: encoded.length, skipped };
  if (prior && prior.fingerprint !== fp) {
    throw new EpoError('BAD_INPUT', `the checkpoint in ${o.out} was trained on other data or settings; use a new output folder`, { where: statePath });
  }
  if (prior?.done) {
    disposeAll(model);
    return { ...base, steps: prior.step, finalLoss: prior.loss, tokens: 0, tokensPerSecond: 0, alreadyDone: true, resumedAt: prior.step, history: prior.history ?? [] };
  }
  const reference = o.klCoef > 0 ? loadCheckpoint(o.init).model : undefined;
  const optimizer = new AdamW(model.params, { weightDecay: o.weightDecay });
  if (prior) loadOptimizerState(o.out, optimizer);
  const resumedAt = optimizer.step;
  const history: StepLog[] = prior?.history ?? [];
  const schedule = { peakLr: o.lr, warmupSteps: Math.ceil(o.warmupRatio * totalSteps), totalSteps, minRatio: o.minLrRatio };
  const padId = model.config.pad_token_id ?? 0;
  log.info(`train: ${encoded.length} examples (${skipped} skipped), ${totalSteps} steps of ${perStep}, backend ${backend}${resumedAt ? `, resuming at step ${resumedAt}` : ''}`);

  const save = (done: boolean, loss: number) => {
    saveCheckpoint(o.out, { model, tokenizer, optimizer, backend, trainerState: { step: optimizer.step, loss, done, fingerprint: fp, totalSteps, init: o.init, options: { ...o, examples: undefined, log: undefined, signal: undefined, onStep: undefined }, history } });
  };
  const t0 = Date.now();
  let tokens = 0, lastLoss = NaN;
  const acc = new GradAccumulator();
  try {
    while (optimizer.step < totalSteps) {
      if (o.signal?.aborted) throw new EpoError('INTERRUPTED', `training stopped at step ${optimizer.step}; re-run to resume`, { where: o.out });
      const step = optimizer.step;
      const picks = stepExamples(encoded.length, perStep, step, o.seed);
      let loss = 0, kl = 0;
      const ws: number[] = [];
      const stepStart = Date.now();
      let stepTokens = 0;
      for (let m = 0; m < o.accum; m++) {
        const rows = picks.slice(m * o.batchSize, (m + 1) * o.batchSize).map((i) => encoded[i]);
        const r = microStep(model, reference, rows, padId, o.klCoef);
        acc.add(r.grads);
        loss += r.loss / o.accum; kl += r.kl / o.accum;
        for (const e of rows) for (const s of e.spans) ws.push(s.weight);
        stepTokens += rows.reduce((a, e) => a + e.ids.length, 0);
      }
      const grads = acc.take();
      const gradNorm = clipGradNorm(grads, o.clip);
      const lr = cosineLr(step, schedule);
      optimizer.apply(grads, lr);
      if (!Number.isFinite(loss)) throw new EpoError('INTERNAL', `the loss became ${loss} at step ${step}; lower the learning rate`, { where: o.out });
      lastLoss = loss; tokens += stepTokens;
      const entry: StepLog = {
        step: optimizer.step, loss, lr, gradNorm,
        wMean: ws.reduce((a, b) => a + b, 0) / ws.length, wMin: Math.min(...ws), wMax: Math.max(...ws),
        ...(reference ? { kl } : {}),
      };
      history.push(entry);
      o.onStep?.(entry, totalSteps);
      const tps = stepTokens / Math.max(1e-3, (Date.now() - stepStart) / 1000);
      log.info(`step ${entry.step}/${totalSteps} loss ${loss.toFixed(4)}${reference ? ` kl ${kl.toFixed(4)}` : ''} w mean ${entry.wMean.toFixed(3)} min ${entry.wMin.toFixed(3)} max ${entry.wMax.toFixed(3)} lr ${lr.toExponential(2)} grad-norm ${gradNorm.toFixed(2)} ${tps.toFixed(0)} tok/s`, { ...entry });
      if (optimizer.step % o.saveEvery === 0 && optimizer.step < totalSteps) save(false, loss);
    }
    save(true, lastLoss);
    writeFileSync(join(o.out, 'train_done.json'), JSON.stringify({ steps: optimizer.step, loss: lastLoss, at: new Date().toISOString() }) + '\n');
  } finally {
    optimizer.dispose();
    disposeAll(model);
    if (reference) disposeAll(reference);
  }
  const secs = (Date.now() - t0) / 1000;
  return { ...base, steps: optimizer.step, finalLoss: lastLoss, tokens, tokensPerSecond: tokens / Math.max(secs, 1e-9), alreadyDone: false, resumedAt, history };
}

function disposeAll(model: LlamaModel): void {
  for (const v of model.params.values()) v.dispose();
}

/** Loss and gradients of one micro-batch (mean over its rows). */
export function microStep(model: LlamaModel, reference: LlamaModel | undefined, rows: readonly Encoded[], padId: number, klCoef: number): { loss: number; kl: number; grads: Map<string, tf.Tensor> } {
  const batch = packBatch(rows.map((r) => r.ids), padId);
  const [B, T] = batch.ids.shape;
  const coef = new Float32Array(B * (T - 1));
  const mask = new Float32Array(B * (T - 1));
  rows.forEach((r, b) => {
    coef.set(epoPositionWeights(r.spans, T - 1), b * (T - 1));
    const m = spanPositionMask(r.spans, T - 1);
    const n = m.reduce((a, x) => a + x, 0);
    mask.set(m.map((x) => x / Math.max(1, n)), b * (T - 1)); // per-row mean over strategist tokens
  });
  const coefT = tf.tensor2d(coef, [B, T - 1]);
  const maskT = tf.tensor2d(mask, [B, T - 1]);
  const ref = reference ? tf.tidy(() => sequenceLogProbs(reference, batch.ids)) : undefined;
  let klValue = 0;
  try {
    const { value, grads } = valueAndGrad(model, () => {
      const logp = sequenceLogProbs(model, batch.ids);
      const epo = tf.div(tf.neg(tf.sum(tf.mul(logp, coefT))), B);
      if (!ref) return epo as tf.Scalar;
      const r = tf.sub(ref, logp);
      const k3 = tf.sub(tf.sub(tf.exp(r), r), 1);
      const kl = tf.div(tf.sum(tf.mul(k3, maskT)), B);
      klValue = (kl.dataSync() as Float32Array)[0];
      return tf.add(epo, tf.mul(kl, klCoef)) as tf.Scalar;
    });
    return { loss: value - klCoef * klValue, kl: klValue, grads };
  } finally {
    batch.ids.dispose(); batch.mask.dispose(); coefT.dispose(); maskT.dispose(); ref?.dispose();
  }
}
