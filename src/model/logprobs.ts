/**
 * Per-token log-probabilities and gradients: the primitives every training objective is built from (next-token
 * pretraining here; EPO's reward-weighted loss in src/train).
 */
import { EpoError } from '../core/errors.js';
import { tf } from './backend.js';
import { forward, type LlamaModel } from './llama.js';
import { nativeKernels } from './native.js';
import { nativeSequenceLogProbs } from './native-train.js';

/** A right-padded batch of token sequences. */
export interface TokenBatch {
  /** [B, T] int32 token ids (padding at the end of short rows). */
  ids: tf.Tensor2D;
  /** [B, T-1] float: 1 where token t+1 of the row is real (not padding), else 0. */
  mask: tf.Tensor2D;
  /** Length of each row before padding. */
  lengths: number[];
}

/** Pad sequences to one length (the longest, or `padTo`) and build the mask of real next tokens. */
export function packBatch(seqs: readonly (readonly number[])[], padId: number, padTo?: number): TokenBatch {
  if (seqs.length === 0) throw new EpoError('BAD_INPUT', 'cannot pack an empty batch', { where: 'packBatch' });
  const T = Math.max(padTo ?? 0, ...seqs.map((s) => s.length));
  if (T < 2) throw new EpoError('BAD_INPUT', 'sequences need at least 2 tokens to have a next-token log-probability', { where: 'packBatch' });
  const ids = new Int32Array(seqs.length * T).fill(padId);
  const mask = new Float32Array(seqs.length * (T - 1));
  seqs.forEach((s, b) => {
    ids.set(s, b * T);
    for (let t = 0; t < s.length - 1; t++) mask[b * (T - 1) + t] = 1;
  });
  return { ids: tf.tensor2d(ids, [seqs.length, T], 'int32'), mask: tf.tensor2d(mask, [seqs.length, T - 1]), lengths: seqs.map((s) => s.length) };
}

/**
 * log p(ids[b][t+1] | ids[b][0..t]) for every row b and position t: a [B, T-1] tensor, differentiable with respect
 * to the model's variables. Positions past a row's end hold meaningless values: multiply by the batch mask.
 */
export function sequenceLogProbs(model: LlamaModel, ids: tf.Tensor2D): tf.Tensor2D {
  const native = nativeKernels();
  if (native) return nativeSequenceLogProbs(native, model, ids);
  const [B, T] = ids.shape;
  const V = model.config.vocab_size;
  const inputs = tf.slice(ids, [0, 0], [B, T - 1]);
  const targets = tf.reshape(tf.slice(ids, [0, 1], [B, T - 1]), [-1]);
  const { logits } = forward(model, inputs as tf.Tensor2D);
  const logp = tf.logSoftmax(tf.reshape(logits, [B * (T - 1), V]));
  const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(targets as tf.Tensor1D, V), 'float32')), -1);
  return tf.reshape(picked, [B, T - 1]);
}

/** Mean negative log-likelihood of the masked tokens, optionally with per-token weights [B, T-1]. */
export function maskedNll(logp: tf.Tensor2D, mask: tf.Tensor2D, weights?: tf.Tensor2D): tf.Scalar {
  const w = weights ? tf.mul(mask, weights) : mask;
  return tf.div(tf.neg(tf.sum(tf.mul(logp, w))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
}

export interface ValueAndGrad {
  value: number;
  /** Hugging Face parameter name → gradient (same layout as the variable). Dispose them after use. */
  grads: Map<string, tf.Tensor>;
}

/**
 * The value of a scalar loss and its gradient with respect to every model parameter. `loss` builds the scalar from
 * the model (e.g. from sequenceLogProbs); intermediate tensors are freed, the gradients are returned to the caller.
 */
export function valueAndGrad(model: LlamaModel, loss: () => tf.Scalar): ValueAndGrad {
  const names = new Map([...model.params].map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(loss, [...model.params.values()]);
  const out = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) out.set(names.get(varName)!, g);
  const v = value.dataSync()[0];
  value.dispose();
  return { value: v, grads: out };
}

/** Per-token log-probabilities as plain numbers for a list of sequences (no gradient; for scoring and tests). */
export function scoreSequences(model: LlamaModel, seqs: readonly (readonly number[])[], padId: number): number[][] {
  const batch = packBatch(seqs, padId);
  const logp = tf.tidy(() => sequenceLogProbs(model, batch.ids));
  const data = logp.arraySync();
  logp.dispose();
  batch.ids.dispose();
  batch.mask.dispose();
  return data.map((row, b) => row.slice(0, batch.lengths[b] - 1));
}
