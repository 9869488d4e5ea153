/**
 * sequenceLogProbs on the native engine: one TensorFlow.js op with a custom gradient, so everything built on top
 * (the EPO loss, masks, weights, tf.variableGrads, the optimizer) is unchanged. The forward pass keeps its
 * activations only while a gradient is being recorded; the backward pass writes every parameter's gradient at once.
 */
import { tf } from './backend.js';
import type { LlamaModel } from './llama.js';
import { type Handle, nativeConfig, type NativeKernels } from './native.js';

/** A Float32Array over a tensor's own memory (the wasm heap or the cpu backend's array); a copy only elsewhere. */
export function tensorView(t: tf.Tensor): Float32Array {
  return ownView(t) ?? (t.dataSync() as Float32Array);
}

interface ExposedBackend {
  wasm?: { HEAPU8: Uint8Array }; dataIdMap?: { get(id: object): { memoryOffset: number; refCount: number } | undefined };
  data?: { get(id: object): { values?: unknown; refCount: number } | undefined };
}

/**
 * The tensor's own memory, or undefined on backends that do not expose it (a write would then be lost). With
 * `alone`, only memory no other tensor shares (tfjs shares it between a tensor and its reshapes), so that writing
 * in place changes this tensor only.
 */
export function ownView(t: tf.Tensor, alone = false): Float32Array | undefined {
  const b = tf.backend() as unknown as ExposedBackend;
  if (b.wasm && b.dataIdMap) {
    const d = b.dataIdMap.get(t.dataId);
    if (d && d.memoryOffset != null && (!alone || d.refCount === 1)) return new Float32Array(b.wasm.HEAPU8.buffer, d.memoryOffset, t.size);
    return undefined;
  }
  const d = b.data?.get(t.dataId);
  if (d && d.values instanceof Float32Array && d.values.length === t.size && (!alone || d.refCount === 1)) return d.values;
  return undefined;
}

/** Is a gradient being recorded (inside tf.variableGrads)? Only then are activations worth keeping. */
const recording = (): boolean => (tf.engine() as unknown as { state: { activeTape: unknown[] | null } }).state.activeTape != null;

export function nativeSequenceLogProbs(k: NativeKernels, model: LlamaModel, ids: tf.Tensor2D): tf.Tensor2D {
  const [B, T] = ids.shape;
  const data = ids.dataSync() as Int32Array;
  const inputs = new Int32Array(B * (T - 1)), targets = new Int32Array(B * (T - 1));
  for (let b = 0; b < B; b++) {
    inputs.set(data.subarray(b * T, b * T + T - 1), b * (T - 1));
    targets.set(data.subarray(b * T + 1, b * T + T), b * (T - 1));
  }
  const vars = [...model.params.values()];
  const cfg = nativeConfig(model.config);
  const views = () => vars.map(tensorView);
  const op = tf.customGrad(((..._vars: unknown[]) => {
    const logp = new Float32Array(B * (T - 1));
    const handle = k.trainForward(cfg, views(), inputs, targets, B, T - 1, logp, recording());
    return {
      value: tf.tensor2d(logp, [B, T - 1]),
      gradFunc: (dy: tf.Tensor) => {
        if (!handle) throw new Error('native forward pass ran without saving activations');
        const d = dy.dataSync() as Float32Array;
        // Gradients are written straight into new tensors' memory where the backend exposes it (no copy of the
        // model's size through JS). Views are taken after every allocation: a growing wasm heap moves its buffer.
        const out = vars.map((v) => tf.zeros(v.shape, 'float32'));
        const inPlace = out.every((t) => ownView(t) !== undefined);
        const grads = inPlace ? out.map((t) => ownView(t)!) : vars.map((v) => new Float32Array(v.size));
        k.trainBackward(handle, views(), d, grads);
        if (inPlace) return out;
        out.forEach((t) => t.dispose());
        return grads.map((g, i) => tf.tensor(g, vars[i].shape, 'float32'));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...vars) as tf.Tensor2D;
}

export type { Handle };
