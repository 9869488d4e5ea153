/**
 * Model configuration in the Hugging Face `LlamaConfig` form, so `config.json` next to `model.safetensors` loads in
 * `transformers` (`LlamaForCausalLM.from_pretrained(dir)`) and in any tool that reads Llama checkpoints.
 */
import { EpoError } from '../core/errors.js';

export interface LlamaConfig {
  architectures: ['LlamaForCausalLM'];
  model_type: 'llama';
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings: boolean;
  hidden_act: 'silu';
  attention_bias: false;
  mlp_bias: false;
  initializer_range: number;
  bos_token_id: number;
  eos_token_id: number | number[];
  pad_token_id?: number;
  torch_dtype: 'float32';
}

export type ModelSize = 'micro' | 'tiny' | 'small';

/** Shape presets, chosen by measurement on 2 CPU cores (docs/model.md). The vocabulary size comes from the tokenizer. */
export const SIZES: Record<ModelSize, Pick<LlamaConfig, 'hidden_size' | 'intermediate_size' | 'num_hidden_layers' | 'num_attention_heads' | 'num_key_value_heads' | 'max_position_embeddings'>> = {
  // micro: the demo's strategist; ~3.5x faster than tiny to train on 2 cores, enough for one short decision per turn.
  micro: { hidden_size: 64, intermediate_size: 192, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 1024 },
  tiny: { hidden_size: 128, intermediate_size: 384, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 1024 },
  small: { hidden_size: 384, intermediate_size: 1024, num_hidden_layers: 8, num_attention_heads: 6, num_key_value_heads: 2, max_position_embeddings: 1024 },
};

export function makeConfig(shape: Partial<LlamaConfig> & Pick<LlamaConfig, 'vocab_size' | 'hidden_size' | 'intermediate_size' | 'num_hidden_layers' | 'num_attention_heads'>, ids: { bos: number; eos: number | number[]; pad?: number } = { bos: 0, eos: 0 }): LlamaConfig {
  const cfg: LlamaConfig = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    num_key_value_heads: shape.num_attention_heads,
    head_dim: shape.hidden_size / shape.num_attention_heads,
    max_position_embeddings: 1024,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    initializer_range: 0.02,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    torch_dtype: 'float32',
    ...shape,
  };
  validateConfig(cfg);
  return cfg;
}

/** Check a config (from code or a config.json) and say which field is wrong. */
export function validateConfig(cfg: LlamaConfig, where = 'config.json'): LlamaConfig {
  const bad = (field: string, why: string): never => { throw new EpoError('BAD_CONFIG', `${field} ${why}`, { where: `${where}:${field}` }); };
  for (const f of ['vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'head_dim', 'max_position_embeddings'] as const) {
    if (!Number.isInteger(cfg[f]) || cfg[f] <= 0) bad(f, `must be a positive integer, got ${JSON.stringify(cfg[f])}`);
  }
  if (cfg.model_type !== 'llama') bad('model_type', `must be "llama", got ${JSON.stringify(cfg.model_type)}`);
  if (cfg.num_attention_heads % cfg.num_key_value_heads !== 0) bad('num_key_value_heads', `(${cfg.num_key_value_heads}) must divide num_attention_heads (${cfg.num_attention_heads})`);
  if (cfg.head_dim % 2 !== 0) bad('head_dim', `must be even for rotary embeddings, got ${cfg.head_dim}`);
  if ((cfg.hidden_act ?? 'silu') !== 'silu') bad('hidden_act', `must be "silu", got ${JSON.stringify(cfg.hidden_act)}`);
  return cfg;
}

/** Number of parameters (tied embeddings counted once). */
export function countParams(c: LlamaConfig): number {
  const h = c.hidden_size, hd = c.head_dim;
  const attn = h * c.num_attention_heads * hd * 2 + h * c.num_key_value_heads * hd * 2;
  const mlp = 3 * h * c.intermediate_size;
  const layer = attn + mlp + 2 * h;
  return c.vocab_size * h * (c.tie_word_embeddings ? 1 : 2) + c.num_hidden_layers * layer + h;
}

export const eosIds = (c: LlamaConfig): number[] => (Array.isArray(c.eos_token_id) ? c.eos_token_id : [c.eos_token_id]);
