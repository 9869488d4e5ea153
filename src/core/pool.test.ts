import { describe, expect, it } from 'vitest';
import { forEachPooled, mapPool } from './pool.js';

describe('the concurrency pool', () => {
  it('keeps at most N in flight, refills at once, and pulls items lazily', async () => {
    let inFlight = 0, peak = 0, pulled = 0;
    function* items() { for (let i = 0; i < 10; i++) { pulled++; yield i; } }
    const order: number[] = [];
    await forEachPooled(items(), 3, async (x) => {
      inFlight++; peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, x % 2 ? 5 : 1));
      order.push(x);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(pulled).toBe(10);
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops pulling when the signal aborts, and maps in input order', async () => {
    const ctrl = new AbortController();
    const seen: number[] = [];
    await forEachPooled([1, 2, 3, 4, 5], 1, async (x) => { seen.push(x); if (x === 2) ctrl.abort(); }, ctrl.signal);
    expect(seen).toEqual([1, 2]);
    expect(await mapPool([3, 1, 2], 2, async (x) => { await new Promise((r) => setTimeout(r, x)); return x * 10; })).toEqual([30, 10, 20]);
  });
});
