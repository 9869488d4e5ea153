/**
 * The one concurrency pool: run an async function over items pulled one at a time from an iterable, with at most
 * `concurrency` in flight and no batch barrier (a slot is refilled the moment its item settles). Stops pulling when
 * the signal aborts. Episodes, judge labels and evaluations all go through it.
 */
export async function forEachPooled<T>(items: Iterable<T>, concurrency: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const it = items[Symbol.iterator]();
  let index = 0;
  const worker = async () => {
    while (!signal?.aborted) {
      const next = it.next();
      if (next.done) return;
      await fn(next.value, index++);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
}

/** `forEachPooled` collecting results in input order. */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, i: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  await forEachPooled(items, Math.min(concurrency, Math.max(1, items.length)), async (item, i) => { out[i] = await fn(item, i); }, signal);
  return out;
}
