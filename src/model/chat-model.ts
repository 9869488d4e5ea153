/**
 * The built-in model behind the project's `ChatModel` interface (spec `local:<checkpoint dir>`), so agents, judges
 * and `epo serve` drive it exactly like any other LLM. Concurrent requests are batched: requests that arrive while
 * a batch is generating wait and then run together (up to `maxBatch` rows), each with its own sampling parameters.
 * Spec options: `local:DIR?top_k=50&max_batch=32&max_tokens=256&seed=0&workers=2`.
 */
import { EpoError } from '../core/errors.js';
import { deriveSeed } from '../core/random.js';
import type { ChatModel, CompletionRequest, CompletionResult } from '../llm/model.js';
import { parseModelSpec } from '../llm/spec.js';
import { initBackend } from './backend.js';
import { loadCheckpoint } from './checkpoint.js';
import { generate, type GenerateRequest, type GenerateResult } from './generate.js';
import type { LlamaModel } from './llama.js';
import type { BpeTokenizer } from './tokenizer/bpe.js';
import { tokenizeChat } from './tokenizer/chat.js';
import { WorkerPoolChatModel } from './worker-pool.js';

export interface LocalModelOptions {
  topK?: number;
  maxBatch?: number;
  /** Default completion budget when a request sets none. */
  maxTokens?: number;
  /** Base of the seeds of requests that carry none (each such request gets the next derived seed). */
  seed?: number;
  /** Worker threads, each with its own copy of the model (worker-pool.ts); 1 runs in this thread. */
  workers?: number;
}

interface Pending {
  req: GenerateRequest;
  onText?: (delta: string) => void;
  resolve: (r: GenerateResult) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
}

/** Serialises access to one model and batches whatever is waiting. */
class BatchRunner {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly model: LlamaModel, private readonly tok: BpeTokenizer, private readonly maxBatch: number) {}

  submit(p: Omit<Pending, 'resolve' | 'reject'>): Promise<GenerateResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...p, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        await new Promise((r) => setImmediate(r)); // let concurrent callers join this batch
        const batch = this.queue.splice(0, this.maxBatch).filter((p) => {
          if (p.signal?.aborted) { p.reject(new EpoError('INTERRUPTED', 'request aborted', { where: 'local model' })); return false; }
          return true;
        });
        if (!batch.length) continue;
        try {
          const results = await generate(this.model, this.tok, batch.map((p) => ({ ...p.req, signal: p.signal })), { onText: (row, d) => batch[row].onText?.(d) });
          results.forEach((r, i) => (r.finishReason === 'abort'
            ? batch[i].reject(new EpoError('INTERRUPTED', 'request aborted', { where: 'local model' }))
            : batch[i].resolve(r)));
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

export class LocalChatModel implements ChatModel {
  private readonly runner: BatchRunner;
  private counter = 0;

  constructor(readonly spec: string, readonly model: LlamaModel, readonly tokenizer: BpeTokenizer, private readonly opts: LocalModelOptions = {}) {
    this.runner = new BatchRunner(model, tokenizer, opts.maxBatch ?? 32);
  }

  private toRequest(req: CompletionRequest): GenerateRequest {
    if (!req.messages.length) throw new EpoError('BAD_INPUT', 'a completion request needs at least one message', { where: `${this.spec} messages` });
    const { ids } = tokenizeChat(this.tokenizer, req.messages, { addGenerationPrompt: true });
    return {
      prompt: ids,
      temperature: req.temperature ?? 1,
      topP: req.topP ?? 1,
      topK: this.opts.topK,
      maxTokens: req.maxTokens ?? this.opts.maxTokens ?? 256,
      stop: req.stop,
      seed: req.seed ?? deriveSeed(this.opts.seed ?? 0, this.counter++),
    };
  }

  private result(r: GenerateResult): CompletionResult {
    return { text: r.text, usage: { promptTokens: r.promptTokens, completionTokens: r.completionTokens }, finishReason: r.finishReason, model: this.spec };
  }

  async complete(req: CompletionRequest): Promise<CompletionResult> {
    return this.result(await this.runner.submit({ req: this.toRequest(req), signal: req.signal }));
  }

  async *stream(req: CompletionRequest): AsyncIterable<string> {
    const chunks: string[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const done = this.runner.submit({ req: this.toRequest(req), signal: req.signal, onText: (d) => { chunks.push(d); wake?.(); } })
      .catch((e) => { failure = e; })
      .finally(() => { finished = true; wake?.(); });
    while (true) {
      if (chunks.length) { yield chunks.shift()!; continue; }
      if (finished) break;
      await new Promise<void>((r) => { wake = r; });
      wake = undefined;
    }
    await done;
    if (failure) throw failure;
  }
}

const num = (v: string | undefined, field: string, spec: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new EpoError('BAD_SPEC', `option ${field}=${v} is not a number`, { where: spec });
  return n;
};

/** Load a checkpoint folder as a ChatModel. */
export async function loadLocalChatModel(dir: string, opts: LocalModelOptions = {}, spec = `local:${dir}`): Promise<ChatModel> {
  await initBackend();
  const ck = loadCheckpoint(dir);
  return new LocalChatModel(spec, ck.model, ck.tokenizer, opts);
}

/** Options from a `local:DIR?top_k=…&max_batch=…&max_tokens=…&seed=…` spec. */
export function localOptionsFromSpec(spec: string): { dir: string; opts: LocalModelOptions } {
  const s = parseModelSpec(spec);
  if (s.kind !== 'local') throw new EpoError('BAD_SPEC', `expected a local:<dir> spec, got "${spec}"`, { where: spec });
  const o = s.options;
  return { dir: s.path, opts: { topK: num(o.top_k, 'top_k', spec), maxBatch: num(o.max_batch, 'max_batch', spec), maxTokens: num(o.max_tokens, 'max_tokens', spec), seed: num(o.seed, 'seed', spec), workers: num(o.workers, 'workers', spec) } };
}

/**
 * Factory for `registerBackend('local', …)`: returns a ChatModel at once and loads the checkpoint on first use, so it
 * fits a synchronous factory; a missing or broken checkpoint fails the first call with a clear error.
 */
export function createLocalChatModel(spec: string): ChatModel {
  const { dir, opts } = localOptionsFromSpec(spec);
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new EpoError('BAD_SPEC', `workers must be a whole number ≥ 1, got ${workers}`, { where: spec });
  if (workers > 1) return new WorkerPoolChatModel(spec, dir, workers, opts);
  let loaded: Promise<ChatModel> | undefined;
  const get = () => (loaded ??= loadLocalChatModel(dir, opts, spec));
  return {
    spec,
    complete: async (req) => (await get()).complete(req),
    stream: async function* (req) { yield* (await get()).stream!(req); },
    ready: async () => { await get(); },
  };
}
