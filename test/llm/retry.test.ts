import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../../src/llm/create.js';
import { parseRetryAfter } from '../../src/llm/retry.js';
import { harness, recordingSleep, type Harness, failure } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => { await h?.server.close(); h = undefined; });

const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

describe('Retry-After parsing', () => {
  const headers = (o: Record<string, string>) => (n: string) => o[n];
  it('reads milliseconds, seconds and HTTP dates', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 21 Oct 2026 07:27:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });
});

describe('retry middleware over real HTTP', () => {
  it('waits exactly as long as Retry-After says (seconds and ms forms), capped by maxDelayMs', async () => {
    h = await harness(['ok'], {
      faults: (n) => n === 1 ? { kind: 'status', status: 429, retryAfter: '2' }
        : n === 2 ? { kind: 'status', status: 503, retryAfterMs: 1500 }
        : n === 3 ? { kind: 'status', status: 429, retryAfter: '120' } : undefined,
    });
    const s = recordingSleep();
    const m = createModel(h.spec(), { retry: { sleep: s.sleep, random: () => 0.5, maxDelayMs: 30_000 } });
    expect((await m.complete(ask)).text).toBe('ok');
    expect(s.sleeps).toEqual([2000, 1500, 30_000]);
    expect(h.server.requests()).toBe(4);
  });
  it('backs off with full jitter on 500s, then succeeds', async () => {
    h = await harness(['ok'], { faults: (n) => (n <= 2 ? { kind: 'status', status: 500 } : undefined) });
    const s = recordingSleep();
    const m = createModel(h.spec(), { retry: { sleep: s.sleep, random: () => 0.5, baseDelayMs: 500 } });
    expect((await m.complete(ask)).text).toBe('ok');
    // attempt k waits random() * base * 2^k: 0.5 * 500, 0.5 * 1000.
    expect(s.sleeps).toEqual([250, 500]);
    expect(h.server.requests()).toBe(3);
  });
  it('gives up after the bounded number of attempts with one clear error', async () => {
    h = await harness(['ok'], { faults: () => ({ kind: 'status', status: 502 }) });
    const s = recordingSleep();
    const m = createModel(h.spec('retries=2'), { retry: { sleep: s.sleep, random: () => 1 - 1e-9, baseDelayMs: 100, maxDelayMs: 150 } });
    const e = await failure(m.complete(ask));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.message).toContain('failed after 3 attempts; the last was HTTP 502');
    expect(e.message).toContain(`${h.server.baseURL}/chat/completions`);
    expect(e.message).toContain('test-model');
    expect(e.details).toMatchObject({ attempts: 3, status: 502 });
    expect(s.sleeps).toEqual([99, 149]);
    expect(h.server.requests()).toBe(3);
  });
  it('times out on a slow answer, then retries', async () => {
    h = await harness(['ok'], { faults: (n) => (n === 1 ? { kind: 'delay', ms: 3000 } : undefined) });
    const s = recordingSleep();
    const errors: string[] = [];
    const m = createModel(h.spec('timeout=0.2'), { retry: { sleep: s.sleep, onRetry: (i) => errors.push(i.error.code) } });
    expect((await m.complete(ask)).text).toBe('ok');
    expect(errors).toEqual(['MODEL_TIMEOUT']);
    expect(h.server.requests()).toBe(2);
  });
  it('reports MODEL_TIMEOUT with the URL when retries are off', async () => {
    h = await harness(['ok'], { faults: () => ({ kind: 'delay', ms: 3000 }) });
    const m = createModel(h.spec('timeout=0.2'), { retry: false });
    const e = await failure(m.complete(ask));
    expect(e.code).toBe('MODEL_TIMEOUT');
    expect(e.message).toContain('no answer within 0.2 s');
    expect(e.message).toContain(h.server.baseURL);
  });
  it('recovers from a dropped connection', async () => {
    h = await harness(['ok'], { faults: (n) => (n === 1 ? { kind: 'drop' } : undefined) });
    const s = recordingSleep();
    const errors: unknown[] = [];
    const m = createModel(h.spec(), { retry: { sleep: s.sleep, onRetry: (i) => errors.push(i.error.details?.connection) } });
    expect((await m.complete(ask)).text).toBe('ok');
    expect(errors).toEqual([true]);
    expect(h.server.requests()).toBe(2);
  });
  it('never retries a 400 or a 401', async () => {
    h = await harness(['ok'], { token: 'right-token-123' });
    const s = recordingSleep();
    const bad = createModel(h.spec('key_env=EPO_T_KEY'), { env: { EPO_T_KEY: 'right-token-123' }, retry: { sleep: s.sleep } });
    const e = await failure(bad.complete({ ...ask, temperature: 5 }));
    expect(e.code).toBe('MODEL_HTTP');
    expect(e.details?.status).toBe(400);
    expect(e.message).toContain('temperature');
    const wrong = createModel(h.spec('key_env=EPO_T_KEY'), { env: { EPO_T_KEY: 'wrong-token-456' }, retry: { sleep: s.sleep } });
    const e2 = await failure(wrong.complete(ask));
    expect(e2.details?.status).toBe(401);
    expect(s.sleeps).toEqual([]);
  });
  it('retries a stream that fails before its first chunk', async () => {
    h = await harness(['one two'], { faults: (n) => (n === 1 ? { kind: 'status', status: 500 } : undefined) });
    const s = recordingSleep();
    const m = createModel(h.spec(), { retry: { sleep: s.sleep, random: () => 0 } });
    let out = '';
    for await (const p of m.stream!(ask)) out += p;
    expect(out).toBe('one two');
    expect(s.sleeps).toEqual([0]);
  });
});
