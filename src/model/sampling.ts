/**
 * Choosing the next token from logits: temperature, top-k and nucleus (top-p) filtering, then a draw from the
 * project's seeded generator. Temperature 0 is greedy. Pure and allocation-light (it runs once per token per row).
 */
import type { Rng } from '../core/random.js';

export interface SamplingParams {
  /** 0 = greedy; default 1. */
  temperature?: number;
  /** Keep the smallest set of tokens whose probability reaches topP (default 1 = all). */
  topP?: number;
  /** Keep the k most likely tokens (0 or undefined = all). */
  topK?: number;
}

let weights = new Float64Array(0); // reused between calls

export function sampleToken(logits: Float32Array, p: SamplingParams, rng: Rng): number {
  const temperature = p.temperature ?? 1;
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const max = logits[best];
  // Candidates: tokens within 40 temperature-units of the best (the rest weigh < e^-40 together with them, far
  // below float precision); with top-k or top-p, sorted by logit, cut by top-k, then the nucleus.
  const floor = max - 40 * temperature;
  const k = p.topK && p.topK > 0 ? p.topK : 0;
  const topP = p.topP ?? 1;
  // Plain sampling needs no order: draw over the candidates in id order (sorting 4,096 ids per row per token cost
  // more than the model's own step at batch 32).
  if (k === 0 && topP >= 1) {
    if (weights.length < logits.length) weights = new Float64Array(logits.length);
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      weights[i] = logits[i] >= floor ? Math.exp((logits[i] - max) / temperature) : 0;
      total += weights[i];
    }
    let r = rng.next() * total;
    let last = best;
    for (let i = 0; i < logits.length; i++) {
      if (weights[i] === 0) continue;
      last = i;
      r -= weights[i];
      if (r <= 0) return i;
    }
    return last;
  }
  let order: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] >= floor) order.push(i);
  order.sort((a, b) => logits[b] - logits[a] || a - b);
  if (k > 0 && k < order.length) order = order.slice(0, k);
  const probs = order.map((i) => Math.exp((logits[i] - max) / temperature));
  let total = probs.reduce((a, b) => a + b, 0);
  if (topP < 1) {
    let cum = 0, keep = 0;
    while (keep < probs.length && cum < topP * total) cum += probs[keep++];
    order = order.slice(0, Math.max(1, keep));
    probs.length = order.length;
    total = probs.reduce((a, b) => a + b, 0);
  }
  let r = rng.next() * total;
  for (let j = 0; j < order.length; j++) {
    r -= probs[j];
    if (r <= 0) return order[j];
  }
  return order[order.length - 1];
}
