/**
 * The EPO objective in closed form (reference-behaviour §1.F), as pure functions over plain numbers: what the tfjs
 * loss in the trainer computes and what the tests pin.
 *
 * For one sample with strategist turns k = 1..K (token spans S_k, weights s_k):
 *   loss = −(1/K) Σ_k s_k · mean_{t∈S_k} log p(token t | tokens before t)
 * Zero-weight turns still count in K. The reference sums this over the micro-batch; we average it (so the effective
 * step does not grow with the batch size; with batch 1, the reference setting, both agree).
 */

/** One strategist turn: the token positions [start, end) of its content (incl. the end-of-turn token) and its weight. */
export interface WeightedSpan {
  start: number;
  end: number;
  weight: number;
}

/** Per-sample EPO loss from the log-probability of every token (index t: log p(ids[t] | ids[<t]); index 0 unused). */
export function epoSampleLoss(tokenLogps: readonly number[], spans: readonly WeightedSpan[]): number {
  if (spans.length === 0) return 0;
  let sum = 0;
  for (const s of spans) {
    let turn = 0;
    for (let t = s.start; t < s.end; t++) turn += tokenLogps[t];
    sum += s.weight * (turn / Math.max(1, s.end - s.start));
  }
  return -sum / spans.length;
}

/** Batch loss: the mean of the per-sample losses. */
export function epoBatchLoss(samples: readonly { tokenLogps: readonly number[]; spans: readonly WeightedSpan[] }[]): number {
  if (samples.length === 0) return 0;
  return samples.reduce((a, s) => a + epoSampleLoss(s.tokenLogps, s.spans), 0) / samples.length;
}

/**
 * The same loss as per-position coefficients over the shifted log-probabilities (position p predicts token p+1, the
 * layout of `sequenceLogProbs`): coefficient s_k / (|S_k| · K) on positions start−1 .. end−2 of turn k, so that
 * loss = −Σ_p coef[p] · logp[p] for the sample. `length` is the number of positions (tokens − 1, or the padded T−1).
 */
export function epoPositionWeights(spans: readonly WeightedSpan[], length: number): Float32Array {
  const out = new Float32Array(length);
  const K = spans.length;
  for (const s of spans) {
    const n = s.end - s.start;
    if (n <= 0) continue;
    for (let t = s.start; t < s.end; t++) out[t - 1] += s.weight / (n * K);
  }
  return out;
}

/** Per-position mask of the strategist's tokens (1 on positions start−1 .. end−2 of every span). */
export function spanPositionMask(spans: readonly WeightedSpan[], length: number): Float32Array {
  const out = new Float32Array(length);
  for (const s of spans) for (let t = s.start; t < s.end; t++) out[t - 1] = 1;
  return out;
}

/**
 * The k3 estimator of KL(π‖π_ref) per sampled token, exp(r) − r − 1 with r = log π_ref − log π: non-negative,
 * unbiased for tokens sampled from π, and with a useful gradient even off-policy (the KL penalty's term).
 */
export const k3 = (logp: number, refLogp: number): number => Math.exp(refLogp - logp) - (refLogp - logp) - 1;
