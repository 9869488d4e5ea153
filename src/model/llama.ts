/**
 * The Llama decoder: token embedding, N blocks of (RMSNorm → causal grouped-query attention with rotary positions →
 * residual, RMSNorm → SwiGLU MLP → residual), final RMSNorm, and the language-model head (tied to the embedding by
 * default). Parameters are tf.Variables named with the Hugging Face tensor names; linear weights are kept as
 * [in, out] for fast matMul and transposed to HF's [out, in] only when saved (checkpoint.ts).
 */
import { createRng } from '../core/random.js';
import { tf } from './backend.js';
import { type LlamaConfig, validateConfig } from './config.js';
import { applyRope, ropeTables } from './rope.js';

export interface LlamaModel {
  readonly config: LlamaConfig;
  /** Hugging Face name → variable. Linear weights are [in, out] (HF stores [out, in]). */
  readonly params: Map<string, tf.Variable>;
}

/** Per-layer keys and values of the positions seen so far, [B, kvHeads, S, headDim] each. */
export interface KvCache { k: tf.Tensor4D[]; v: tf.Tensor4D[] }

export interface ForwardOptions {
  /** Absolute position of every input token, B rows of T; default 0..T-1 after the cache (same for every row). */
  positions?: number[][];
  /** 1 for keys that may be attended, 0 for padding; B rows covering cache + input (S + T). Default: all 1. */
  keyMask?: number[][];
  cache?: KvCache;
  /** Return the logits of the last position only ([B, V]); saves the head's cost during generation. */
  lastOnly?: boolean;
  /** Also return the updated cache. */
  returnCache?: boolean;
  /** The output projection as [hidden, vocab], precomputed by decoding loops (see lmHead()). */
  lmHead?: tf.Tensor2D;
}

/**
 * The output projection as [hidden, vocab]. With tied embeddings this is a transposed copy: compute it once per
 * generation rather than per token (the wasm matMul also re-packs a new right-hand side on every call).
 */
export function lmHead(model: LlamaModel): tf.Tensor2D {
  const p = model.params;
  return model.config.tie_word_embeddings ? tf.transpose(p.get('model.embed_tokens.weight')!) as tf.Tensor2D : p.get('lm_head.weight')! as tf.Tensor2D;
}

export const LINEAR_SUFFIXES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];
export const isLinear = (name: string): boolean => name === 'lm_head.weight' || LINEAR_SUFFIXES.some((s) => name.endsWith(`.${s}.weight`));

let modelCounter = 0;

/** Shapes of every parameter in our [in, out] layout, in a fixed order. */
export function paramShapes(c: LlamaConfig): [string, number[]][] {
  const h = c.hidden_size, hd = c.head_dim, q = c.num_attention_heads * hd, kv = c.num_key_value_heads * hd;
  const out: [string, number[]][] = [['model.embed_tokens.weight', [c.vocab_size, h]]];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      [`${p}.input_layernorm.weight`, [h]],
      [`${p}.self_attn.q_proj.weight`, [h, q]],
      [`${p}.self_attn.k_proj.weight`, [h, kv]],
      [`${p}.self_attn.v_proj.weight`, [h, kv]],
      [`${p}.self_attn.o_proj.weight`, [q, h]],
      [`${p}.post_attention_layernorm.weight`, [h]],
      [`${p}.mlp.gate_proj.weight`, [h, c.intermediate_size]],
      [`${p}.mlp.up_proj.weight`, [h, c.intermediate_size]],
      [`${p}.mlp.down_proj.weight`, [c.intermediate_size, h]],
    );
  }
  out.push(['model.norm.weight', [h]]);
  if (!c.tie_word_embeddings) out.push(['lm_head.weight', [h, c.vocab_size]]);
  return out;
}

/** Build a model from given values (name → data in our layout). */
export function modelFromValues(config: LlamaConfig, values: (name: string, shape: number[]) => Float32Array): LlamaModel {
  validateConfig(config);
  const id = ++modelCounter;
  const params = new Map<string, tf.Variable>();
  for (const [name, shape] of paramShapes(config)) {
    const init = tf.tensor(values(name, shape), shape, 'float32');
    params.set(name, tf.variable(init, true, `m${id}/${name}`));
    init.dispose(); // the variable alone holds its memory

  }
  return { config, params };
}

/**
 * Fresh weights: normal(0, initializer_range) for matrices (the residual output projections scaled by
 * 1/sqrt(2·layers), as GPT-2 does, so the residual stream does not grow with depth), ones for norms. Drawn from the
 * project's seeded generator, so the same seed gives the same model on every backend.
 */
export function initModel(config: LlamaConfig, seed: number): LlamaModel {
  const rng = createRng(seed);
  const normal = () => {
    const u = 1 - rng.next(), v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const std = config.initializer_range;
  return modelFromValues(config, (name, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return new Float32Array(n).fill(1);
    const s = /o_proj|down_proj/.test(name) ? std / Math.sqrt(2 * config.num_hidden_layers) : std;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = normal() * s;
    return data;
  });
}

export function disposeModel(m: LlamaModel): void {
  for (const v of m.params.values()) v.dispose();
}

function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);
}

/** Additive attention bias [B, 1, rep·T, S]: −1e9 for future keys and for padding keys, 0 elsewhere. */
function attentionBias(B: number, T: number, S: number, rep: number, past: number, keyMask?: number[][]): tf.Tensor4D {
  const bias = new Float32Array(B * rep * T * S);
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < rep; r++) {
      for (let t = 0; t < T; t++) {
        const row = ((b * rep + r) * T + t) * S;
        for (let s = 0; s < S; s++) {
          if (s > past + t || (keyMask && keyMask[b][s] === 0)) bias[row + s] = -1e9;
        }
      }
    }
  }
  return tf.tensor4d(bias, [B, 1, rep * T, S]);
}

/**
 * How attention products are computed. The wasm backend runs batched (rank-4) matMuls on a plain loop (~1 GFLOP/s)
 * but 2-D ones on XNNPACK, so long sequences (training, prefill) loop over (row, kv-head) slices with 2-D products
 * (measured 2-4x faster at T=256); short ones (decoding one token) keep the single batched call.
 */
export const ATTENTION = { loopMinT: 64 };

function attendBatched(qg: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D, scale: number): tf.Tensor {
  const scores = tf.add(tf.mul(tf.matMul(qg, k, false, true), scale), bias);
  return tf.matMul(tf.softmax(scores), v);
}

function attendPerSlice(qg: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D, scale: number): tf.Tensor {
  const [B, nKV, R, hd] = qg.shape;
  const S = k.shape[2];
  const flat = (t: tf.Tensor, rows: number) => tf.unstack(tf.reshape(t, [B * nKV, rows, hd]));
  const qs = flat(qg, R), ks = flat(k, S), vs = flat(v, S);
  const biases = bias.shape[0] === 1 ? undefined : tf.unstack(tf.reshape(bias, [B, R, S]));
  const out = qs.map((q, i) => {
    const b = biases ? biases[Math.floor(i / nKV)] : tf.reshape(bias, [R, S]);
    const scores = tf.add(tf.mul(tf.matMul(q as tf.Tensor2D, tf.transpose(ks[i]) as tf.Tensor2D), scale), b);
    return tf.matMul(tf.softmax(scores) as tf.Tensor2D, vs[i] as tf.Tensor2D);
  });
  return tf.reshape(tf.stack(out), [B, nKV, R, hd]);
}

/**
 * Run the decoder on token ids [B, T]. Returns logits [B, T, V] (or [B, V] with lastOnly) and, when asked, the cache
 * extended by these T positions. Call inside tf.tidy (or dispose the results).
 */
export function forward(model: LlamaModel, ids: tf.Tensor2D, opts: ForwardOptions = {}): { logits: tf.Tensor; cache?: KvCache } {
  const c = model.config, p = model.params;
  const [B, T] = ids.shape;
  const H = c.hidden_size, hd = c.head_dim, nH = c.num_attention_heads, nKV = c.num_key_value_heads, rep = nH / nKV;
  const past = opts.cache?.k[0]?.shape[2] ?? 0;
  const S = past + T;
  const positions = opts.positions ?? [Array.from({ length: T }, (_, t) => past + t)];
  const { cos, sin } = ropeTables(positions, hd, c.rope_theta);
  const bias = attentionBias(opts.keyMask ? B : 1, T, S, rep, past, opts.keyMask);
  const scale = 1 / Math.sqrt(hd);
  const w = (name: string) => p.get(name)! as tf.Tensor;
  const cache: KvCache = { k: [], v: [] };

  let x: tf.Tensor = tf.reshape(tf.gather(w('model.embed_tokens.weight'), tf.reshape(ids, [-1])), [B * T, H]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const pre = `model.layers.${i}`;
    const h = rmsNorm(x, w(`${pre}.input_layernorm.weight`), c.rms_norm_eps);
    const heads = (t: tf.Tensor, n: number) => tf.transpose(tf.reshape(t, [B, T, n, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    const q = applyRope(heads(tf.matMul(h as tf.Tensor2D, w(`${pre}.self_attn.q_proj.weight`) as tf.Tensor2D), nH), cos, sin);
    let k = applyRope(heads(tf.matMul(h as tf.Tensor2D, w(`${pre}.self_attn.k_proj.weight`) as tf.Tensor2D), nKV), cos, sin);
    let v = heads(tf.matMul(h as tf.Tensor2D, w(`${pre}.self_attn.v_proj.weight`) as tf.Tensor2D), nKV);
    if (opts.cache) {
      k = tf.concat([opts.cache.k[i], k], 2);
      v = tf.concat([opts.cache.v[i], v], 2);
    }
    if (opts.returnCache) { cache.k.push(k); cache.v.push(v); }
    // Grouped-query attention without copying keys: query heads sharing a kv head are stacked along time.
    const qg = tf.reshape(q, [B, nKV, rep * T, hd]) as tf.Tensor4D;
    const ctx = T >= ATTENTION.loopMinT ? attendPerSlice(qg, k as tf.Tensor4D, v as tf.Tensor4D, bias, scale) : attendBatched(qg, k as tf.Tensor4D, v as tf.Tensor4D, bias, scale);
    const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, nH, T, hd]), [0, 2, 1, 3]), [B * T, nH * hd]);
    x = tf.add(x, tf.matMul(merged, w(`${pre}.self_attn.o_proj.weight`) as tf.Tensor2D));
    const h2 = rmsNorm(x, w(`${pre}.post_attention_layernorm.weight`), c.rms_norm_eps) as tf.Tensor2D;
    const gate = tf.matMul(h2, w(`${pre}.mlp.gate_proj.weight`) as tf.Tensor2D);
    const up = tf.matMul(h2, w(`${pre}.mlp.up_proj.weight`) as tf.Tensor2D);
    const act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up) as tf.Tensor2D;
    x = tf.add(x, tf.matMul(act, w(`${pre}.mlp.down_proj.weight`) as tf.Tensor2D));
  }
  let out = rmsNorm(x, w('model.norm.weight'), c.rms_norm_eps) as tf.Tensor2D;
  if (opts.lastOnly) out = tf.reshape(tf.slice(tf.reshape(out, [B, T, H]), [0, T - 1, 0], [B, 1, H]), [B, H]);
  const logits = tf.matMul(out, opts.lmHead ?? lmHead(model)); // an explicit transpose, not a flag: see grads.ts
  return { logits: opts.lastOnly ? logits : tf.reshape(logits, [B, T, c.vocab_size]), cache: opts.returnCache ? cache : undefined };
}
