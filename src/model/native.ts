/**
 * The native engine: epo's own C++ kernels for the Llama decoder (native/, built by node-gyp when the package is
 * installed). Training runs the whole forward pass and its explicit backward pass in two calls, and generation keeps
 * its key/value cache in native memory; TensorFlow.js still holds the weights, the optimizer and the loss, so the
 * engine is a drop-in for sequenceLogProbs and generate. Weights are read in place from the backend's memory (the
 * wasm heap or the cpu backend's arrays), never copied. Why, and the figures: docs/model.md.
 *
 * `EPO_ENGINE=tfjs` turns it off (the TensorFlow.js graph then computes the same values); `EPO_ENGINE=native`
 * makes a missing build an error instead of a fallback; `EPO_THREADS=N` sets its threads (default: every core in the
 * main thread, one in a worker thread).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { EpoError } from '../core/errors.js';
import type { LlamaConfig } from './config.js';

export type Handle = { readonly __handle: unique symbol };

export interface NativeKernels {
  setThreads(n: number): void;
  threads(): number;
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, lda: number, B: Float32Array, ldb: number, C: Float32Array, ldc: number, accumulate: boolean): void;
  trainForward(config: Float64Array, weights: Float32Array[], inputs: Int32Array, targets: Int32Array, B: number, T: number, logp: Float32Array, save: boolean): Handle | undefined;
  trainBackward(handle: Handle, weights: Float32Array[], dlogp: Float32Array, grads: Float32Array[]): void;
  decoderCreate(config: Float64Array, rows: number, maxKeys: number): Handle;
  decoderStep(handle: Handle, weights: Float32Array[], ids: Int32Array, T: number, positions: Int32Array, keyMask: Uint8Array, logits: Float32Array): void;
  decoderKeep(handle: Handle, rows: Int32Array): void;
  adamw(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, hyper: Float64Array): void;
  release(handle: Handle): void;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NATIVE_BUILD = join(ROOT, 'native', 'build', 'Release', 'epo_native.node');

let loaded: { kernels?: NativeKernels; why?: string } | undefined;

function load(): { kernels?: NativeKernels; why?: string } {
  if (!existsSync(NATIVE_BUILD)) return { why: `not built (${NATIVE_BUILD} is missing: run "npm run build:native")` };
  // OpenMP's threads (EPO_THREADS > 1) otherwise spin between products and take the cores from everything else;
  // read by the OpenMP runtime when the addon loads it.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    const kernels = createRequire(import.meta.url)(NATIVE_BUILD) as NativeKernels;
    // Every core for the main thread's products (training, in-process serving); one per worker thread, whose
    // pool already spreads requests over the cores.
    if (!process.env.EPO_THREADS) kernels.setThreads(isMainThread ? Math.min(availableParallelism(), 8) : 1);
    return { kernels };
  } catch (e) {
    return { why: `could not load ${NATIVE_BUILD}: ${(e as Error).message}` };
  }
}

/** The native kernels, or undefined when turned off or not built (then `nativeStatus()` says why). */
export function nativeKernels(): NativeKernels | undefined {
  const mode = process.env.EPO_ENGINE ?? 'auto';
  if (mode === 'tfjs') return undefined;
  if (!['auto', 'native'].includes(mode)) {
    throw new EpoError('BAD_CONFIG', `unknown engine "${mode}"; use native, tfjs or leave it unset`, { where: 'EPO_ENGINE' });
  }
  loaded ??= load();
  if (!loaded.kernels && mode === 'native') throw new EpoError('BAD_CONFIG', `the native engine is ${loaded.why}`, { where: 'EPO_ENGINE=native' });
  return loaded.kernels;
}

/** "native (N threads)" or "tfjs (why the native engine is not used)": recorded with benchmark figures. */
export function nativeStatus(): string {
  if (process.env.EPO_ENGINE === 'tfjs') return 'tfjs (EPO_ENGINE=tfjs)';
  const k = nativeKernels();
  return k ? `native (${k.threads()} thread${k.threads() === 1 ? '' : 's'})` : `tfjs (native engine ${loaded?.why})`;
}

/** The config as the kernels read it: V, H, L, heads, kv heads, head size, MLP size, tied, eps, theta. */
export function nativeConfig(c: LlamaConfig): Float64Array {
  return Float64Array.from([c.vocab_size, c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.num_key_value_heads, c.head_dim,
    c.intermediate_size, c.tie_word_embeddings ? 1 : 0, c.rms_norm_eps, c.rope_theta]);
}
