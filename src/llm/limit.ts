/**
 * Concurrency limit per endpoint: every model pointing at the same base URL shares one semaphore, so a strategist,
 * an actor and a judge on one vLLM server never have more than N requests in flight together.
 */
import type { Middleware } from './model.js';

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private bound: number) {}

  get max(): number { return this.bound; }
  /** Change the bound; raising it lets waiting callers in at once. */
  set max(n: number) {
    this.bound = n;
    while (this.active < this.bound && this.waiting.length) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  get inFlight(): number { return this.active; }
  get queued(): number { return this.waiting.length; }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.bound) {
      await new Promise<void>((resolve, reject) => {
        const go = () => { signal?.removeEventListener('abort', abort); resolve(); };
        const abort = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', abort, { once: true });
        this.waiting.push(go);
      });
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits (or the bound shrank).
      const next = this.active <= this.bound ? this.waiting.shift() : undefined;
      if (next) next();
      else this.active--;
    };
  }
}

const endpoints = new Map<string, Semaphore>();

/** The semaphore of an endpoint; a later call with another bound changes it for everyone (the latest wins). */
export function endpointSemaphore(key: string, max: number): Semaphore {
  let s = endpoints.get(key);
  if (!s) endpoints.set(key, (s = new Semaphore(max)));
  else s.max = max;
  return s;
}

export function limitConcurrency(max: number, endpoint?: string): Middleware {
  const sem = endpoint ? endpointSemaphore(endpoint, max) : new Semaphore(max);
  return {
    async wrapComplete(req, next) {
      const release = await sem.acquire(req.signal);
      try { return await next(req); } finally { release(); }
    },
    async *wrapStream(req, next) {
      const release = await sem.acquire(req.signal);
      try { yield* next(req); } finally { release(); }
    },
  };
}
