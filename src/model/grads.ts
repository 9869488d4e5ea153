/**
 * Gradients of the kernels the Llama forward pass uses. The npm build of tfjs-core ships its gradient definitions
 * only as unbundled ESM files that Node cannot import (extensionless imports); loading them through a resolver hook
 * costs seconds at startup. These ~20 definitions are small, checked by a finite-difference test
 * (src/model/model.test.ts), and registered only where no gradient exists (tfjs-node brings its own).
 */
import * as tf from '@tensorflow/tfjs-core';

type Grads = Record<string, () => tf.Tensor> | (() => tf.Tensor)[];
type GradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: any) => Grads;

/** Sum a broadcast result back to the shape of the input it came from. */
function reduceTo(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? tf.sum(dy, axes) : dy;
  return tf.reshape(summed, shape);
}

/** The shape of x reduced over axes with keepDims, for broadcasting a reduction's gradient back. */
function keptShape(shape: number[], axis: number | number[] | null | undefined): number[] {
  const axes = (axis == null ? shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a));
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

const defs: [string, GradFunc, { inputsToSave?: string[]; outputsToSave?: boolean[]; saveAllInputs?: boolean }][] = [
  ['Add', (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => reduceTo(dy as tf.Tensor, b.shape) }), { inputsToSave: ['a', 'b'] }],
  ['Sub', (dy, [a, b]) => ({ a: () => reduceTo(dy as tf.Tensor, a.shape), b: () => reduceTo(tf.neg(dy as tf.Tensor), b.shape) }), { inputsToSave: ['a', 'b'] }],
  ['Multiply', (dy, [a, b]) => ({
    a: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(b, 'float32')), a.shape),
    b: () => reduceTo(tf.mul(dy as tf.Tensor, tf.cast(a, 'float32')), b.shape),
  }), { inputsToSave: ['a', 'b'] }],
  ['RealDiv', (dy, [a, b]) => ({
    a: () => reduceTo(tf.div(dy as tf.Tensor, b), a.shape),
    b: () => reduceTo(tf.neg(tf.div(tf.mul(dy as tf.Tensor, a), tf.square(b))), b.shape),
  }), { inputsToSave: ['a', 'b'] }],
  ['Neg', (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }), {}],
  ['Square', (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(x, 2)) }), { inputsToSave: ['x'] }],
  ['Rsqrt', (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, tf.mul(tf.mul(x, tf.sqrt(x)), -2)) }), { inputsToSave: ['x'] }],
  ['Sigmoid', (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y))) }), { outputsToSave: [true] }],
  ['Sum', (dy, [x], attrs) => ({ x: () => tf.mul(tf.reshape(dy as tf.Tensor, keptShape(x.shape, attrs.axis)), tf.onesLike(x)) }), { inputsToSave: ['x'] }],
  ['Mean', (dy, [x], attrs) => {
    const kept = keptShape(x.shape, attrs.axis);
    const n = x.size / kept.reduce((a, b) => a * b, 1);
    return { x: () => tf.mul(tf.reshape(tf.div(dy as tf.Tensor, n), kept), tf.onesLike(x)) };
  }, { inputsToSave: ['x'] }],
  ['Softmax', (dy, [y], attrs) => ({
    logits: () => tf.mul(y, tf.sub(dy as tf.Tensor, tf.sum(tf.mul(dy as tf.Tensor, y), attrs.dim, true))),
  }), { outputsToSave: [true] }],
  ['BatchMatMul', (dyIn, [a, b], { transposeA: tA, transposeB: tB }) => {
    const dy = dyIn as tf.Tensor;
    // 2-D products with transpose flags miss the wasm backend's XNNPACK path (10-20x slower): transpose explicitly.
    const mm = (x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean) => (x.rank === 2
      ? tf.matMul(tx ? tf.transpose(x) : x, ty ? tf.transpose(y) : y)
      : tf.matMul(x, y, tx, ty));
    if (!tA && !tB) return { a: () => mm(dy, b, false, true), b: () => mm(a, dy, true, false) };
    if (!tA && tB) return { a: () => mm(dy, b, false, false), b: () => mm(dy, a, true, false) };
    if (tA && !tB) return { a: () => mm(b, dy, false, true), b: () => mm(a, dy, false, false) };
    return { a: () => mm(b, dy, true, true), b: () => mm(dy, a, true, true) };
  }, { inputsToSave: ['a', 'b'] }],
  ['Reshape', (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x.shape) }), { inputsToSave: ['x'] }],
  ['Transpose', (dy, _s, { perm }) => {
    const inv: number[] = [];
    (perm as number[]).forEach((p, i) => { inv[p] = i; });
    return { x: () => tf.transpose(dy as tf.Tensor, inv) };
  }, {}],
  ['GatherV2', (dy, [x, indices], { axis, batchDims }) => {
    if ((axis !== 0 && axis !== -x.rank) || batchDims || indices.rank !== 1) throw new Error('GatherV2 gradient is implemented for axis 0 with 1-D indices only');
    // Scatter with summation of repeated indices (a token used twice gets both gradients).
    return { x: () => tf.scatterND(tf.reshape(indices, [-1, 1]), dy as tf.Tensor, x.shape), indices: () => tf.zerosLike(indices) };
  }, { inputsToSave: ['x', 'indices'] }],
  ['Concat', (dy, saved, { axis }) => {
    const ax = axis < 0 ? axis + saved[0].rank : axis;
    const parts = tf.split(dy as tf.Tensor, saved.map((t) => t.shape[ax]), ax);
    return parts.map((t) => () => t);
  }, { saveAllInputs: true }],
  ['SplitV', (dy, _s, { axis }) => ({ x: () => tf.concat(dy as tf.Tensor[], axis) }), {}],
  ['Slice', (dy, [x], { begin, size }) => {
    const b = begin as number[], s = size as number[];
    return { x: () => tf.pad(dy as tf.Tensor, x.shape.map((d, i) => [b[i], d - b[i] - (s[i] < 0 ? d - b[i] : s[i])] as [number, number])) };
  }, { inputsToSave: ['x'] }],
  ['Cast', (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }), {}],
  ['Unpack', (dy, _s, { axis }) => ({ value: () => tf.stack(dy as tf.Tensor[], axis) }), {}],
  ['Pack', (dy, _s, { axis }) => tf.unstack(dy as tf.Tensor, axis).map((t) => () => t), {}],
];

let done = false;

/** Register our gradients for kernels that have none yet. Idempotent. */
export function registerModelGradients(): void {
  if (done) return;
  done = true;
  for (const [kernelName, gradFunc, save] of defs) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({ kernelName, gradFunc: gradFunc as any, ...save });
  }
}
