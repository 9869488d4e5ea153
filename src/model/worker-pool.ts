/**
 * The built-in model on several cores: `local:DIR?workers=N` runs N worker threads, each with its own copy of the
 * checkpoint, and sends every request to the worker with the fewest in flight (each worker still batches what it
 * gets). Seeds are assigned here, before dispatch, so results do not depend on which worker answers. `close()` ends
 * the workers; they never keep the process alive on their own.
 */
import { Worker } from 'node:worker_threads';
import { EpoError, type ErrorCode } from '../core/errors.js';
import { deriveSeed } from '../core/random.js';
import type { ChatModel, CompletionRequest, CompletionResult } from '../llm/model.js';
import type { LocalModelOptions } from './chat-model.js';

interface Pending { resolve(r: CompletionResult): void; reject(e: unknown): void }
interface Slot { worker: Worker; inFlight: number; pending: Map<number, Pending> }

/** Start a worker on worker.js (dist) or worker.ts (source, under tsx or vitest: it registers tsx's hooks first). */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

export class WorkerPoolChatModel implements ChatModel {
  private readonly slots: Slot[];
  private nextId = 0;
  private counter = 0;
  private closed = false;

  constructor(readonly spec: string, dir: string, workers: number, private readonly opts: LocalModelOptions = {}) {
    this.slots = Array.from({ length: workers }, () => {
      const worker = startWorker({ dir, opts, spec });
      worker.unref();
      const slot: Slot = { worker, inFlight: 0, pending: new Map() };
      worker.on('message', (m: { id: number; result?: CompletionResult; error?: { code: ErrorCode; message: string } }) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        slot.inFlight--;
        if (slot.inFlight === 0) worker.unref();
        if (m.error) p.reject(new EpoError(m.error.code, m.error.message));
        else p.resolve(m.result!);
      });
      const fail = (e: unknown) => {
        for (const p of slot.pending.values()) p.reject(new EpoError('INTERNAL', `model worker stopped: ${String((e as Error)?.message ?? e)}`, { where: spec }));
        slot.pending.clear();
        slot.inFlight = 0;
      };
      worker.on('error', fail);
      worker.on('exit', (code) => { if (!this.closed) fail(new Error(`exit code ${code}`)); });
      return slot;
    });
  }

  complete(req: CompletionRequest): Promise<CompletionResult> {
    if (this.closed) return Promise.reject(new EpoError('INTERNAL', 'the model was closed', { where: this.spec }));
    const { signal, ...rest } = req;
    const seed = req.seed ?? deriveSeed(this.opts.seed ?? 0, this.counter++);
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const id = this.nextId++;
    return new Promise<CompletionResult>((resolve, reject) => {
      if (signal?.aborted) { reject(new EpoError('INTERRUPTED', 'request aborted', { where: this.spec })); return; }
      // Long-lived signals (one per run) see many requests: drop the listener when this one settles.
      const onAbort = () => slot.worker.postMessage({ id, abort: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      slot.pending.set(id, { resolve: (r) => { settle(); resolve(r); }, reject: (e) => { settle(); reject(e); } });
      if (slot.inFlight++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, req: { ...rest, seed } });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Every worker has loaded the checkpoint (or the first failure to load, naming where). */
  async ready(): Promise<void> {
    if (this.closed) throw new EpoError('INTERNAL', 'the model was closed', { where: this.spec });
    await Promise.all(this.slots.map((slot) => new Promise<void>((resolve, reject) => {
      const id = this.nextId++;
      slot.pending.set(id, { resolve: () => resolve(), reject });
      if (slot.inFlight++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, ready: true });
    })));
  }

  /** The whole answer as one chunk (workers do not stream token by token). */
  async *stream(req: CompletionRequest): AsyncIterable<string> {
    yield (await this.complete(req)).text;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
