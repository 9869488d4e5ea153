/**
 * Incremental decoding for generate(): a decoder holds the key/value cache of B rows and runs T new positions per
 * row per step, returning the logits of each row's last position. Two implementations with the same meaning: the
 * native engine's (cache in native memory, one call per step) and the TensorFlow.js graph's (llama.ts forward).
 */
import { tf } from './backend.js';
import { forward, type KvCache, lmHead, type LlamaModel } from './llama.js';
import { nativeConfig, nativeKernels, type NativeKernels } from './native.js';
import { tensorView } from './native-train.js';

export interface StepDecoder {
  /** ids, positions, keyMask: B rows of T (keyMask: 1 for real tokens, 0 for padding). Returns [B, V] logits. */
  step(ids: number[][], positions: number[][], keyMask: number[][]): Float32Array;
  /** Keep only these rows, in increasing order; the others leave the batch. */
  keep(rows: number[]): void;
  dispose(): void;
}

/** A decoder for `rows` rows that will hold at most `maxKeys` positions each. */
export function createDecoder(model: LlamaModel, rows: number, maxKeys: number): StepDecoder {
  const k = nativeKernels();
  return k ? nativeDecoder(k, model, rows, maxKeys) : tfDecoder(model);
}

function nativeDecoder(k: NativeKernels, model: LlamaModel, rows: number, maxKeys: number): StepDecoder {
  const V = model.config.vocab_size;
  const vars = [...model.params.values()];
  const handle = k.decoderCreate(nativeConfig(model.config), rows, maxKeys);
  let B = rows;
  return {
    step(ids, positions, keyMask) {
      const T = ids[0].length;
      const logits = new Float32Array(B * V);
      k.decoderStep(handle, vars.map(tensorView), Int32Array.from(ids.flat()), T, Int32Array.from(positions.flat()), Uint8Array.from(keyMask.flat()), logits);
      return logits;
    },
    keep(kept) {
      k.decoderKeep(handle, Int32Array.from(kept));
      B = kept.length;
    },
    dispose() { k.release(handle); },
  };
}

function tfDecoder(model: LlamaModel): StepDecoder {
  const head = tf.tidy(() => lmHead(model));
  const tied = model.config.tie_word_embeddings;
  let cache: KvCache | undefined;
  let mask: number[][] = [];
  const drop = (c?: KvCache) => { if (c) for (const t of [...c.k, ...c.v]) if (!t.isDisposed) t.dispose(); };
  return {
    step(ids, positions, keyMask) {
      mask = keyMask.map((m, b) => [...(mask[b] ?? []), ...m]);
      const x = tf.tensor2d(ids, undefined, 'int32');
      const before = cache;
      const out = tf.tidy(() => forward(model, x, { positions, keyMask: mask, cache: before, lastOnly: true, returnCache: true, lmHead: head }) as unknown as tf.TensorContainer) as unknown as { logits: tf.Tensor2D; cache: KvCache };
      x.dispose();
      drop(before);
      cache = out.cache;
      const logits = out.logits.dataSync() as Float32Array;
      out.logits.dispose();
      return logits;
    },
    keep(kept) {
      const prev = cache!;
      const idx = tf.tensor1d(kept, 'int32');
      cache = { k: prev.k.map((t) => tf.gather(t, idx, 0)), v: prev.v.map((t) => tf.gather(t, idx, 0)) };
      idx.dispose();
      drop(prev);
      mask = kept.map((j) => mask[j]);
    },
    dispose() {
      if (tied) head.dispose();
      drop(cache);
    },
  };
}
