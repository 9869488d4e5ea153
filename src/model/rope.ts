/**
 * Rotary position embeddings in the Hugging Face Llama convention ("rotate half": the first and second halves of
 * each head are the two coordinates of each rotated pair), so our q/k projections mean the same as theirs.
 */
import { tf } from './backend.js';

/** cos and sin tables, shape [B, 1, T, headDim], for per-row absolute positions (B rows of T positions). */
export function ropeTables(positions: readonly (readonly number[])[], headDim: number, theta: number): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const B = positions.length, T = positions[0]?.length ?? 0, half = headDim / 2;
  const cos = new Float32Array(B * T * headDim), sin = new Float32Array(B * T * headDim);
  const inv = Array.from({ length: half }, (_, i) => 1 / theta ** ((2 * i) / headDim));
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * headDim, p = positions[b][t];
      for (let i = 0; i < half; i++) {
        const c = Math.cos(p * inv[i]), s = Math.sin(p * inv[i]);
        cos[base + i] = c; cos[base + half + i] = c;
        sin[base + i] = s; sin[base + half + i] = s;
      }
    }
  }
  return { cos: tf.tensor4d(cos, [B, 1, T, headDim]), sin: tf.tensor4d(sin, [B, 1, T, headDim]) };
}

/** x·cos + rotate_half(x)·sin with rotate_half([x1, x2]) = [−x2, x1]; x is [B, heads, T, headDim]. */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  const half = x.shape[3] / 2;
  const [x1, x2] = tf.split(x, [half, half], 3);
  const rotated = tf.concat([tf.neg(x2), x1], 3);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}
