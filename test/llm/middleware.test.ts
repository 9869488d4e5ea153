import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, ResponseCache } from '../../src/llm/cache.js';
import { limitConcurrency, Semaphore } from '../../src/llm/limit.js';
import { wrap, type ChatModel, type CompletionRequest } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { costUsd, findPrice, UsageMeter } from '../../src/llm/usage.js';
import { logCalls } from '../../src/llm/logging.js';
import { retry } from '../../src/llm/retry.js';
import { silentLogger } from '../../src/core/log.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'epo-llm-'));
const ask = (over: Partial<CompletionRequest> = {}): CompletionRequest => ({ messages: [{ role: 'user', content: 'hello' }], ...over });

describe('response cache (SQLite)', () => {
  let cache: ResponseCache | undefined;
  afterEach(() => { cache?.close(); cache = undefined; });

  const counting = () => scriptedModel((_r, i) => `answer ${i}`, { spec: 'http://h/v1#m' });

  it('serves temperature-0 repeats from the cache, marked cached', async () => {
    cache = new ResponseCache({ path: join(tmp(), 'c.sqlite') });
    const inner = counting();
    const m = wrap(inner, cache.middleware);
    const a = await m.complete(ask({ temperature: 0 }));
    const b = await m.complete(ask({ temperature: 0 }));
    expect(a).toMatchObject({ text: 'answer 0' });
    expect(a.cached).toBeUndefined();
    expect(b).toMatchObject({ text: 'answer 0', cached: true });
    expect(inner.calls.length).toBe(1);
    expect(cache.stats).toEqual({ hits: 1, misses: 1, skipped: 0, writes: 1 });
    // Any change of the request is a different key.
    expect((await m.complete(ask({ temperature: 0, maxTokens: 5 }))).text).toBe('answer 1');
  });
  it('never caches sampling without a seed, caches sampling with a fixed seed', async () => {
    cache = new ResponseCache({ path: join(tmp(), 'c.sqlite') });
    const inner = counting();
    const m = wrap(inner, cache.middleware);
    expect((await m.complete(ask({ temperature: 0.7 }))).text).toBe('answer 0');
    expect((await m.complete(ask({ temperature: 0.7 }))).text).toBe('answer 1');
    expect((await m.complete(ask({ temperature: 0.7, seed: 3 }))).text).toBe('answer 2');
    expect(await m.complete(ask({ temperature: 0.7, seed: 3 }))).toMatchObject({ text: 'answer 2', cached: true });
    expect((await m.complete(ask({ temperature: 0.7, seed: 4 }))).text).toBe('answer 3');
    expect(cache.stats).toEqual({ hits: 1, misses: 2, skipped: 2, writes: 2 });
  });
  it('passes everything through when disabled, and persists across reopening', async () => {
    const path = join(tmp(), 'c.sqlite');
    cache = new ResponseCache({ path, enabled: false });
    const inner = counting();
    const m = wrap(inner, cache.middleware);
    await m.complete(ask({ temperature: 0 }));
    await m.complete(ask({ temperature: 0 }));
    expect(inner.calls.length).toBe(2);
    expect(cache.stats).toEqual({ hits: 0, misses: 0, skipped: 2, writes: 0 });
    cache.enabled = true;
    await m.complete(ask({ temperature: 0 }));
    cache.close();
    cache = new ResponseCache({ path });
    const again = wrap(counting(), cache.middleware);
    expect(await again.complete(ask({ temperature: 0 }))).toMatchObject({ text: 'answer 2', cached: true });
  });
  it('keys on the canonical request: key order and the abort signal do not matter, the spec does', () => {
    const a = cacheKey('s', { messages: [{ role: 'user', content: 'x' }], temperature: 0, seed: 1 });
    const b = cacheKey('s', { seed: 1, temperature: 0, messages: [{ content: 'x', role: 'user' }], signal: new AbortController().signal });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey('t', { messages: [{ role: 'user', content: 'x' }], temperature: 0, seed: 1 })).not.toBe(a);
    expect(cacheKey('s', { messages: [{ role: 'user', content: 'x' }], temperature: 0, seed: 1, jsonSchema: { name: 'n', schema: {} } })).not.toBe(a);
  });
});

describe('concurrency limit per endpoint', () => {
  it('never lets more than N calls through for models sharing a base URL', async () => {
    let active = 0, peak = 0;
    const gates: (() => void)[] = [];
    const gated = (spec: string): ChatModel => ({
      spec,
      async complete() {
        active++; peak = Math.max(peak, active);
        await new Promise<void>((r) => gates.push(r));
        active--;
        return { text: 'ok', usage: { promptTokens: 1, completionTokens: 1 }, finishReason: 'stop' };
      },
    });
    const endpoint = `http://shared-${Math.random()}/v1`;
    const a = wrap(gated('a'), limitConcurrency(3, endpoint));
    const b = wrap(gated('b'), limitConcurrency(3, endpoint));
    const calls = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).complete(ask()));
    const flush = () => new Promise((r) => setImmediate(r));
    await flush();
    expect(active).toBe(3);
    let done = 0;
    while (done < 10) {
      gates.shift()?.();
      done++;
      await flush();
      expect(active).toBeLessThanOrEqual(3);
    }
    await Promise.all(calls);
    expect(peak).toBe(3);
  });
  it('lets a waiting caller give up through its abort signal', async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    const ac = new AbortController();
    const waiting = s.acquire(ac.signal);
    expect(s.queued).toBe(1);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(s.queued).toBe(0);
    release();
    expect(s.inFlight).toBe(0);
  });
});

describe('usage and cost accounting', () => {
  it('prices a worked example and keeps totals per role and model', async () => {
    // gpt-4o-mini: $0.15 per 1M input, $0.60 per 1M output. 1,000,000 in + 200,000 out = 0.15 + 0.12 = $0.27.
    expect(costUsd(1_000_000, 200_000, findPrice('gpt-4o-mini')!)).toBeCloseTo(0.27, 10);
    expect(findPrice('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(findPrice('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
    expect(findPrice('Qwen2.5-7B-Instruct')).toBeUndefined();

    const meter = new UsageMeter();
    const fixed = (spec: string, prompt: number, completion: number): ChatModel => ({
      spec,
      complete: async () => ({ text: 'x', usage: { promptTokens: prompt, completionTokens: completion }, finishReason: 'stop' }),
    });
    const judge = wrap(fixed('openai:gpt-4o-mini', 1_000_000, 200_000), meter.middleware('judge'));
    const actor = wrap(fixed('http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct', 300, 40), meter.middleware('actor'));
    expect((await judge.complete(ask())).costUsd).toBeCloseTo(0.27, 10);
    await judge.complete(ask());
    expect((await actor.complete(ask())).costUsd).toBe(0);
    const rows = meter.totals();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ role: 'judge', model: 'gpt-4o-mini', calls: 2, promptTokens: 2_000_000, completionTokens: 400_000, unpriced: false });
    expect(rows[0].costUsd).toBeCloseTo(0.54, 10);
    expect(rows[1]).toMatchObject({ role: 'actor', model: 'Qwen2.5-7B-Instruct', calls: 1, promptTokens: 300, costUsd: 0, unpriced: true });
    expect(meter.total()).toMatchObject({ calls: 3, promptTokens: 2_000_300, unpriced: true });
  });
  it('charges nothing for cached answers and takes a custom price table', async () => {
    const meter = new UsageMeter({ 'my-model': { input: 1, output: 2 } });
    const m: ChatModel = { spec: 'http://h/v1#my-model', complete: async () => ({ text: 'x', usage: { promptTokens: 500_000, completionTokens: 250_000 }, finishReason: 'stop', cached: true }) };
    expect((await wrap(m, meter.middleware('judge')).complete(ask())).costUsd).toBe(0);
    expect(meter.totals()[0]).toMatchObject({ calls: 1, cachedCalls: 1, promptTokens: 0, costUsd: 0, unpriced: false });
    expect(costUsd(500_000, 250_000, meter.prices['my-model'])).toBe(1);
  });
});

describe('response cache: identical requests in flight', () => {
  it('asks the backend once for concurrent identical deterministic requests', async () => {
    const cache = new ResponseCache({ path: join(tmp(), 'c.sqlite') });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const inner = scriptedModel(async (_r, i) => { await gate; return `answer ${i}`; }, { spec: 'http://h/v1#m' });
    const m = wrap(inner, cache.middleware);
    const both = Promise.all([m.complete(ask({ temperature: 0 })), m.complete(ask({ temperature: 0 }))]);
    release();
    const [a, b] = await both;
    expect(a).toMatchObject({ text: 'answer 0' });
    expect(b).toMatchObject({ text: 'answer 0', cached: true });
    expect(inner.calls).toHaveLength(1);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, writes: 1 });
    cache.close();
  });
  it('raising an endpoint bound lets waiting callers in', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const waiting = s.acquire();
    expect(s.queued).toBe(1);
    s.max = 2;
    expect(s.queued).toBe(0);
    expect(s.inFlight).toBe(2);
    (await waiting)();
    expect(s.inFlight).toBe(1);
  });
});

describe('wrap', () => {
  it('forwards what a middleware does not change: spec, close, and streaming only when the model streams', async () => {
    let closed = 0;
    const base: ChatModel = { spec: 'scripted:x', complete: async () => ({ text: 'a', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 } }), close: async () => { closed++; } };
    const meter = new UsageMeter();
    const cache = new ResponseCache({ path: join(tmp(), 'w.sqlite') });
    const all = [logCalls(silentLogger), meter.middleware('r'), cache.middleware, retry(), limitConcurrency(2)];
    const m = wrap(base, ...all);
    expect(m.spec).toBe('scripted:x');
    expect(m.stream).toBeUndefined();
    await m.close!();
    expect(closed).toBe(1);
    const streaming = wrap({ ...base, stream: async function* () { yield 'x'; yield 'y'; } }, ...all);
    const chunks: string[] = [];
    for await (const c of streaming.stream!({ messages: [] })) chunks.push(c);
    expect(chunks).toEqual(['x', 'y']);
    cache.close();
  });
});
