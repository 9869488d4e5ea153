import { describe, expect, it } from 'vitest';
import type { Episode } from '../src/core/episode.js';
import { EpoError } from '../src/core/errors.js';
import { gridPlan } from '../src/rollout/plan.js';
import { failureLine, parseShard, runEpisodes, shardItems } from '../src/rollout/scheduler.js';
import { makeEpisode } from './helpers/episodes.js';

const memorySink = (done: string[] = []) => {
  const stored: Episode[] = [];
  return { stored, finishedIds: () => new Set([...done, ...stored.map((e) => e.id)]), putEpisode: (e: Episode) => { stored.push(e); } };
};
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `task-${i}#0`, i }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('skips finished episodes and runs the rest', async () => {
    const sink = memorySink(['task-0#0', 'task-2#0']);
    const ran: string[] = [];
    const stats = await runEpisodes(items(4), async (it) => { ran.push(it.id); return makeEpisode(it.i); }, sink, { concurrency: 2 });
    expect(ran.sort()).toEqual(['task-1#0', 'task-3#0']);
    expect(stats).toMatchObject({ total: 4, skipped: 2, finished: 2, failed: 0 });
  });

  it('keeps the concurrency bound without a batch barrier', async () => {
    let inFlight = 0, peak = 0;
    const order: number[] = [];
    await runEpisodes(items(6), async (it) => {
      inFlight++; peak = Math.max(peak, inFlight);
      await sleep(it.i === 0 ? 60 : 5); // one slow episode must not hold the others back
      inFlight--; order.push(it.i);
      return makeEpisode(it.i);
    }, memorySink(), { concurrency: 3 });
    expect(peak).toBe(3);
    expect(order.at(-1)).toBe(0);
  });

  it('does not store failed episodes and records why', async () => {
    const sink = memorySink();
    const stats = await runEpisodes(items(3), async (it) => { if (it.i === 1) throw new Error('endpoint down'); return makeEpisode(it.i); }, sink, { concurrency: 1 });
    expect(sink.stored.map((e) => e.id)).toEqual(['task-0#0', 'task-2#0']);
    expect(stats.errors).toEqual([{ id: 'task-1#0', kind: 'error', error: 'Error: endpoint down' }]);
  });

  it('aborts an episode that runs past its timeout', async () => {
    const stats = await runEpisodes(items(1), (it, signal) => new Promise<Episode>((resolve, reject) => {
      const t = setTimeout(() => resolve(makeEpisode(it.i)), 5000);
      signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); });
    }), memorySink(), { concurrency: 1, timeoutMs: 20 });
    expect(stats.failed).toBe(1);
    expect(stats.errors[0].error).toMatch(/timed out after 20 ms/);
    expect(stats.failedBy).toEqual({ timeout: 1 });
    expect(failureLine(stats)).toMatch(/^1 episode failed \(timeout\) and was not stored; re-run to retry them \(first: task-0#0: MODEL_TIMEOUT: episode timed out after 20 ms/);
  });

  it('counts failures by kind for the report', async () => {
    const stats = await runEpisodes(items(4), async (it) => {
      if (it.i === 0) throw new Error('boom');
      if (it.i < 3) throw new EpoError('MODEL_TIMEOUT', 'slow');
      return makeEpisode(it.i);
    }, memorySink(), { concurrency: 1 });
    expect(stats.failedBy).toEqual({ error: 1, timeout: 2 });
    expect(failureLine(stats)).toMatch(/^3 episodes failed \(1 error, 2 timeout\) and were not stored; re-run to retry them/);
  });

  it('pulls items from a plan one at a time, counting stored episodes of the plan without listing it', async () => {
    const plan = gridPlan({ entries: ['a', 'b', 'c'], key: (t) => t, trials: 1_000_000_000, order: 'entry', item: (t, trial) => ({ id: `${t}#${trial}`, i: trial }) });
    let pulled = 0;
    const counted = { size: plan.size, position: (id: string) => plan.position(id), *[Symbol.iterator]() { for (const it of plan) { pulled++; yield it; } } };
    const ctrl = new AbortController();
    const sink = memorySink(['a#0', 'a#2', 'other#0']);
    const stats = await runEpisodes(counted, async (it) => {
      if (sink.stored.length >= 3) ctrl.abort(); // two in flight: the abort may come at 3 or 4 stored
      return makeEpisode(it.i, { id: it.id });
    }, sink, { concurrency: 2, signal: ctrl.signal });
    expect(stats).toMatchObject({ total: 3_000_000_000, skipped: 2 });
    expect(sink.stored.map((e) => e.id).slice(0, 3)).toEqual(['a#1', 'a#3', 'a#4']);
    expect(sink.stored.length).toBeLessThanOrEqual(4);
    expect(pulled).toBeLessThan(10);
  });

  it('shards by position', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/0 ≤ i < n/);
    const seven = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ id: `t${i}#0` }));
    const shard = shardItems(seven, parseShard('1/3'));
    expect([...shard].map((x) => x.id)).toEqual(['t1#0', 't4#0']);
    expect(shard.size).toBe(2);
    expect([shard.position('t4#0'), shard.position('t3#0')]).toEqual([1, -1]);
    expect(shardItems(seven, parseShard('2/3')).size).toBe(2);
    expect(shardItems(seven.slice(0, 2), parseShard('2/3')).size).toBe(0);
  });
});
