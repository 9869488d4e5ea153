import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/random.js';
import { initBackend, tf } from './backend.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { countParams, makeConfig } from './config.js';
import { ATTENTION, disposeModel, initModel, type LlamaModel } from './llama.js';
import { maskedNll, packBatch, scoreSequences, sequenceLogProbs, valueAndGrad } from './logprobs.js';
import { parseHeader } from './safetensors.js';
import { trainBpe } from './tokenizer/bpe.js';
import { SPECIAL_TOKENS } from './tokenizer/chat.js';

const tinyConfig = () => makeConfig({ vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64 }, { bos: 0, eos: 1, pad: 2 });

beforeAll(async () => { await initBackend(); });

describe('Llama forward and gradients', () => {
  it('counts parameters like transformers does for a tied Llama', () => {
    // embed 40·16 + 2 layers · (q 16·16 + k,v 2·16·8 + o 16·16 + mlp 3·16·24 + 2 norms · 16) + final norm 16
    expect(countParams(tinyConfig())).toBe(40 * 16 + 2 * (256 + 256 + 256 + 1152 + 32) + 16);
  });

  it.each([['batched', 1000], ['per-slice', 0]])('matches finite differences on a tiny config (GQA, padding mask, repeated tokens, per-token weights; %s attention)', (_impl, loopMinT) => {
    ATTENTION.loopMinT = loopMinT;
    const model = initModel(tinyConfig(), 7);
    // Larger weights than the default init so that every path carries signal.
    for (const [name, v] of model.params) if (v.shape.length > 1) v.assign(tf.mul(v, name.includes('embed') ? 20 : 10));
    const batch = packBatch([[0, 5, 9, 5, 5, 11, 3], [0, 7, 7, 12]], 2);
    const weights = tf.tensor2d([[1, 0.5, 2, 1, 0, 1], [1.5, 1, 1, 9, 9, 9]]);
    const loss = () => maskedNll(sequenceLogProbs(model, batch.ids), batch.mask, weights);
    const { value, grads } = valueAndGrad(model, loss);
    expect(value).toBeGreaterThan(0);
    const rng = createRng(3);
    const eps = 1e-2;
    let checked = 0;
    for (const [name, v] of model.params) {
      const g = grads.get(name)!.dataSync();
      const data = Float32Array.from(v.dataSync());
      for (let s = 0; s < 3; s++) {
        // The embedding rows of tokens in the batch, elsewhere any entry.
        const i = name.includes('embed') ? [5, 7, 9][s] * 16 + rng.int(16) : rng.int(data.length);
        const at = (x: number) => { const d = Float32Array.from(data); d[i] = x; v.assign(tf.tensor(d, v.shape)); return tf.tidy(() => loss().dataSync()[0]); };
        const fd = (at(data[i] + eps) - at(data[i] - eps)) / (2 * eps);
        v.assign(tf.tensor(data, v.shape));
        expect(Math.abs(g[i] - fd), `${name}[${i}] analytic ${g[i]} vs numeric ${fd}`).toBeLessThan(2e-3 + 0.03 * Math.abs(fd));
        checked++;
      }
    }
    expect(checked).toBe(3 * model.params.size);
    disposeModel(model);
    ATTENTION.loopMinT = 64;
  });

  it('computes the same log-probabilities with batched and per-slice attention', () => {
    const model = initModel(tinyConfig(), 2);
    const seqs = [[0, 5, 6, 7, 8, 9], [0, 9, 8]];
    ATTENTION.loopMinT = 1000;
    const batched = scoreSequences(model, seqs, 2);
    ATTENTION.loopMinT = 0;
    const sliced = scoreSequences(model, seqs, 2);
    ATTENTION.loopMinT = 64;
    sliced.forEach((row, b) => row.forEach((x, i) => expect(x).toBeCloseTo(batched[b][i], 5)));
    disposeModel(model);
  });

  it('gives each row the same log-probabilities alone and in a padded batch', () => {
    const model = initModel(tinyConfig(), 1);
    const a = [0, 5, 6, 7, 8, 9], b = [0, 9, 8];
    const [alone] = scoreSequences(model, [b], 2);
    const [, together] = scoreSequences(model, [a, b], 2);
    together.forEach((x, i) => expect(x).toBeCloseTo(alone[i], 5));
    disposeModel(model);
  });
});

describe('checkpoints', () => {
  const tok = trainBpe(['Thought: go to cabinet 1.', 'Observation: a mug.'], 300, SPECIAL_TOKENS);
  let model: LlamaModel;
  let dir: string;
  beforeAll(() => {
    model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2 }, { bos: 0, eos: 1 }), 5);
    dir = mkdtempSync(join(tmpdir(), 'epo-ck-'));
    saveCheckpoint(dir, { model, tokenizer: tok });
  });

  it('load after save gives identical log-probabilities', () => {
    const seqs = [tok.encode('Thought: go to cabinet 1.'), tok.encode('Observation: a mug.')];
    const before = scoreSequences(model, seqs, 0);
    const ck = loadCheckpoint(dir);
    expect(scoreSequences(ck.model, seqs, 0)).toEqual(before);
    expect(ck.tokenizer.encode('Thought: go')).toEqual(tok.encode('Thought: go'));
    disposeModel(ck.model);
  });

  it('writes the Hugging Face Llama tensor names and [out, in] shapes, and a Llama config.json', () => {
    const { header, metadata } = parseHeader(readFileSync(join(dir, 'model.safetensors')), 'model.safetensors');
    const V = tok.vocabSize;
    expect(metadata.format).toBe('pt');
    expect(Object.keys(header).sort()).toEqual([
      'model.embed_tokens.weight',
      ...[0, 1].flatMap((i) => ['input_layernorm', 'mlp.down_proj', 'mlp.gate_proj', 'mlp.up_proj', 'post_attention_layernorm', 'self_attn.k_proj', 'self_attn.o_proj', 'self_attn.q_proj', 'self_attn.v_proj'].map((n) => `model.layers.${i}.${n}.weight`)),
      'model.norm.weight',
    ].sort());
    expect(header['model.embed_tokens.weight'].shape).toEqual([V, 16]);
    expect(header['model.layers.0.self_attn.q_proj.weight'].shape).toEqual([16, 16]);
    expect(header['model.layers.0.self_attn.k_proj.weight'].shape).toEqual([8, 16]);
    expect(header['model.layers.1.mlp.gate_proj.weight'].shape).toEqual([24, 16]);
    expect(header['model.layers.1.mlp.down_proj.weight'].shape).toEqual([16, 24]);
    expect(header['model.norm.weight']).toMatchObject({ dtype: 'F32', shape: [16] });
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 16, num_key_value_heads: 2, tie_word_embeddings: true, vocab_size: V });
  });

  it('names the missing file when a folder is not a checkpoint', () => {
    expect(() => loadCheckpoint(join(dir, 'nope'))).toThrow(/config.json does not exist/);
  });
});
