/**
 * Next-token pretraining of the built-in model on a corpus file, with checkpoints that resume exactly.
 * Corpus: JSON lines of chats ({"messages": [...]} or ShareGPT {"conversations": [...]}) rendered with the chat
 * template, JSON lines of {"text": ...}, or plain text (documents separated by blank lines). Documents are joined
 * into one token stream; every micro-batch takes random windows of seqLen+1 tokens, drawn from a generator seeded by
 * (seed, step), so a resumed run sees the same batches as an uninterrupted one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { ChatMessage } from '../core/messages.js';
import { createRng, deriveSeed } from '../core/random.js';
import { initBackend } from './backend.js';
import { loadCheckpoint, loadOptimizerState, saveCheckpoint } from './checkpoint.js';
import { countParams, makeConfig, type ModelSize, SIZES } from './config.js';
import { initModel } from './llama.js';
import { maskedNll, packBatch, sequenceLogProbs, valueAndGrad } from './logprobs.js';
import { AdamW, clipGradNorm, GradAccumulator } from './optim/adamw.js';
import { cosineLr } from './schedule.js';
import { type BpeTokenizer, trainBpe } from './tokenizer/bpe.js';
import { SPECIAL, SPECIAL_TOKENS, tokenizeChat } from './tokenizer/chat.js';

export type Document = { kind: 'chat'; messages: ChatMessage[] } | { kind: 'text'; text: string };

export function readCorpus(path: string): Document[] {
  if (!existsSync(path)) throw new EpoError('NOT_FOUND', `corpus file ${path} does not exist`, { where: '--corpus' });
  const raw = readFileSync(path, 'utf8');
  if (!/\.jsonl?$/.test(path)) return raw.split(/\n\s*\n/).map((t) => t.trim()).filter(Boolean).map((text) => ({ kind: 'text', text }));
  const docs: Document[] = [];
  raw.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: any;
    try { rec = JSON.parse(line); } catch (e) { throw new EpoError('BAD_DATA', `invalid JSON: ${(e as Error).message}`, { where: `${path}:${i + 1}` }); }
    if (Array.isArray(rec.messages)) docs.push({ kind: 'chat', messages: rec.messages });
    else if (Array.isArray(rec.conversations)) {
      const roles: Record<string, ChatMessage['role']> = { human: 'user', gpt: 'assistant', system: 'system', user: 'user', assistant: 'assistant' };
      docs.push({ kind: 'chat', messages: rec.conversations.map((m: any) => ({ role: roles[m.from] ?? 'user', content: String(m.value) })) });
    } else if (typeof rec.text === 'string') docs.push({ kind: 'text', text: rec.text });
    else throw new EpoError('BAD_DATA', 'each line needs "messages", "conversations" or "text"', { where: `${path}:${i + 1}` });
  });
  return docs;
}

const docTexts = function* (docs: Document[]): Generator<string> {
  for (const d of docs) {
    if (d.kind === 'text') yield d.text;
    else for (const m of d.messages) { yield m.role; yield '\n\n'; yield m.content; }
  }
};

export function tokenizeDocs(tok: BpeTokenizer, docs: Document[]): Int32Array {
  const out: number[] = [];
  for (const d of docs) {
    if (d.kind === 'chat') out.push(...tokenizeChat(tok, d.messages).ids);
    else out.push(tok.special(SPECIAL.bos), ...tok.encode(d.text), tok.special(SPECIAL.eos));
  }
  return Int32Array.from(out);
}

export interface PretrainOptions {
  corpus: string;
  size: ModelSize;
  out: string;
  steps: number;
  seqLen: number;
  batchSize: number;
  accum: number;
  lr: number;
  warmupRatio: number;
  minLrRatio: number;
  weightDecay: number;
  clip: number;
  seed: number;
  vocabSize: number;
  saveEvery: number;
  logEvery: number;
  /** Stop (with a checkpoint) after this many minutes; the schedule still assumes `steps`. */
  maxMinutes?: number;
  /** Continue from the checkpoint in `out` when it has a trainer state. */
  resume: boolean;
  log: Logger;
}

export const PRETRAIN_DEFAULTS: Record<ModelSize, Omit<PretrainOptions, 'corpus' | 'size' | 'out' | 'log' | 'resume' | 'maxMinutes'>> = {
  micro: { steps: 600, seqLen: 256, batchSize: 8, accum: 1, lr: 5e-3, warmupRatio: 0.05, minLrRatio: 0.1, weightDecay: 0.1, clip: 1, seed: 1, vocabSize: 512, saveEvery: 200, logEvery: 10 },
  tiny: { steps: 600, seqLen: 256, batchSize: 8, accum: 1, lr: 3e-3, warmupRatio: 0.05, minLrRatio: 0.1, weightDecay: 0.1, clip: 1, seed: 1, vocabSize: 2048, saveEvery: 200, logEvery: 10 },
  small: { steps: 1000, seqLen: 256, batchSize: 8, accum: 2, lr: 1e-3, warmupRatio: 0.05, minLrRatio: 0.1, weightDecay: 0.1, clip: 1, seed: 1, vocabSize: 4096, saveEvery: 100, logEvery: 10 },
};

export interface PretrainResult { steps: number; finalLoss: number; tokensPerSecond: number; backend: string; params: number }

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const backend = await initBackend();
  const docs = readCorpus(o.corpus);
  if (!docs.length) throw new EpoError('BAD_DATA', 'the corpus has no documents', { where: o.corpus });
  const resuming = o.resume && existsSync(join(o.out, 'trainer_state.json'));
  const ck = resuming ? loadCheckpoint(o.out) : undefined;
  const tokenizer = ck?.tokenizer ?? trainBpe(docTexts(docs), o.vocabSize, SPECIAL_TOKENS);
  const model = ck?.model ?? initModel(makeConfig({ vocab_size: tokenizer.vocabSize, ...SIZES[o.size] }, {
    bos: tokenizer.special(SPECIAL.bos), eos: [tokenizer.special(SPECIAL.eot), tokenizer.special(SPECIAL.eos)], pad: tokenizer.special(SPECIAL.pad),
  }), o.seed);
  const optimizer = new AdamW(model.params, { weightDecay: o.weightDecay });
  if (resuming) loadOptimizerState(o.out, optimizer);
  const stream = tokenizeDocs(tokenizer, docs);
  if (stream.length < o.seqLen + 2) throw new EpoError('BAD_DATA', `the corpus has ${stream.length} tokens, fewer than one window of ${o.seqLen + 1}`, { where: o.corpus });
  const params = countParams(model.config);
  const history: { step: number; loss: number }[] = (ck?.trainerState?.history as { step: number; loss: number }[] | undefined) ?? [];
  o.log.info(`pretrain ${o.size}: ${(params / 1e6).toFixed(2)} M parameters, vocabulary ${tokenizer.vocabSize}, corpus ${docs.length} documents / ${stream.length} tokens, backend ${backend}${resuming ? `, resuming at step ${optimizer.step}` : ''}`);

  const schedule = { peakLr: o.lr, warmupSteps: Math.ceil(o.warmupRatio * o.steps), totalSteps: o.steps, minRatio: o.minLrRatio };
  const save = (loss: number) => saveCheckpoint(o.out, {
    model, tokenizer, optimizer, backend,
    trainerState: { step: optimizer.step, loss, options: { ...o, log: undefined }, backend, params, history },
  });
  const started = Date.now();
  let tokens = 0, lastLoss = NaN, windowLoss = 0, windowSteps = 0, windowStart = Date.now(), windowTokens = 0;
  const acc = new GradAccumulator();
  while (optimizer.step < o.steps) {
    const step = optimizer.step;
    const rng = createRng(deriveSeed(o.seed, 'batch', step));
    let loss = 0;
    for (let micro = 0; micro < o.accum; micro++) {
      const seqs = Array.from({ length: o.batchSize }, () => {
        const start = rng.int(stream.length - o.seqLen - 1);
        return Array.from(stream.subarray(start, start + o.seqLen + 1));
      });
      const batch = packBatch(seqs, model.config.pad_token_id ?? 0);
      const { value, grads } = valueAndGrad(model, () => maskedNll(sequenceLogProbs(model, batch.ids), batch.mask));
      batch.ids.dispose(); batch.mask.dispose();
      acc.add(grads);
      loss += value / o.accum;
      tokens += o.batchSize * o.seqLen;
      windowTokens += o.batchSize * o.seqLen;
    }
    const grads = acc.take();
    const norm = clipGradNorm(grads, o.clip);
    const lr = cosineLr(step, schedule);
    optimizer.apply(grads, lr);
    if (!Number.isFinite(loss)) throw new EpoError('INTERNAL', `the loss became ${loss} at step ${step}; lower --lr`, { where: o.out });
    lastLoss = loss;
    windowLoss += loss; windowSteps++;
    if (optimizer.step % o.logEvery === 0 || optimizer.step === o.steps) {
      const secs = (Date.now() - windowStart) / 1000;
      const mean = windowLoss / windowSteps;
      history.push({ step: optimizer.step, loss: mean });
      o.log.info(`step ${optimizer.step}/${o.steps} loss ${mean.toFixed(4)} lr ${lr.toExponential(2)} grad-norm ${norm.toFixed(2)} ${(windowTokens / secs).toFixed(0)} tok/s`);
      windowLoss = 0; windowSteps = 0; windowTokens = 0; windowStart = Date.now();
    }
    const outOfTime = o.maxMinutes !== undefined && (Date.now() - started) / 60000 >= o.maxMinutes;
    if (optimizer.step % o.saveEvery === 0 || optimizer.step === o.steps || outOfTime) save(lastLoss);
    if (outOfTime) { o.log.warn(`stopping after ${o.maxMinutes} minutes at step ${optimizer.step}; resume with --resume`); break; }
  }
  const secs = (Date.now() - started) / 1000;
  const result = { steps: optimizer.step, finalLoss: lastLoss, tokensPerSecond: tokens / Math.max(secs, 1e-9), backend, params };
  optimizer.dispose();
  for (const v of model.params.values()) v.dispose();
  return result;
}
