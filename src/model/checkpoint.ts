/**
 * Checkpoint folders in the Hugging Face layout, so other tools load them as they are:
 *   config.json, generation_config.json, model.safetensors (HF Llama tensor names, [out, in] linear weights),
 *   tokenizer.json, tokenizer_config.json (with the chat template), special_tokens_map.json
 * and, when saved by a trainer, trainer_state.json + optimizer.safetensors to resume exactly.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { tf } from './backend.js';
import { type LlamaConfig, validateConfig } from './config.js';
import { isLinear, type LlamaModel, modelFromValues } from './llama.js';
import { readSafetensors, type TensorMap, writeSafetensors } from './safetensors.js';
import type { BpeTokenizer } from './tokenizer/bpe.js';
import { SPECIAL } from './tokenizer/chat.js';
import { fromTokenizerJson, tokenizerConfigJson, toTokenizerJson } from './tokenizer/hf-json.js';
import type { AdamW } from './optim/adamw.js';

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** The model's weights under HF names and layout. */
export function exportWeights(model: LlamaModel): TensorMap {
  const out: TensorMap = new Map();
  for (const [name, v] of model.params) {
    const data = v.dataSync() as Float32Array;
    if (isLinear(name)) {
      const [rows, cols] = v.shape;
      out.set(name, { shape: [cols, rows], data: transpose2d(data, rows, cols) });
    } else out.set(name, { shape: [...v.shape], data: Float32Array.from(data) });
  }
  return out;
}

export function importWeights(config: LlamaConfig, tensors: TensorMap, where: string): LlamaModel {
  return modelFromValues(config, (name, shape) => {
    const t = tensors.get(name);
    if (!t) throw new EpoError('BAD_DATA', `tensor ${name} is missing`, { where });
    const hfShape = isLinear(name) ? [shape[1], shape[0]] : shape;
    if (t.shape.join(',') !== hfShape.join(',')) throw new EpoError('BAD_DATA', `tensor ${name} has shape [${t.shape}], config.json implies [${hfShape}]`, { where });
    return isLinear(name) ? transpose2d(t.data, hfShape[0], hfShape[1]) : t.data;
  });
}

export interface TrainerState {
  /** Optimizer updates done. */
  step: number;
  /** Anything else the trainer needs to resume (schedule, data position, seeds, history). */
  [key: string]: unknown;
}

export interface Checkpoint {
  model: LlamaModel;
  tokenizer: BpeTokenizer;
  trainerState?: TrainerState;
}

export function saveCheckpoint(dir: string, ck: { model: LlamaModel; tokenizer: BpeTokenizer; optimizer?: AdamW; trainerState?: TrainerState; backend?: string }): void {
  mkdirSync(dir, { recursive: true });
  const c = ck.model.config;
  writeJson(join(dir, 'config.json'), c);
  writeJson(join(dir, 'generation_config.json'), { bos_token_id: c.bos_token_id, eos_token_id: c.eos_token_id, pad_token_id: c.pad_token_id, do_sample: true, temperature: 0.7, top_p: 0.7, top_k: 50 });
  writeJson(join(dir, 'tokenizer.json'), toTokenizerJson(ck.tokenizer));
  writeJson(join(dir, 'tokenizer_config.json'), { ...tokenizerConfigJson(), model_max_length: c.max_position_embeddings });
  writeJson(join(dir, 'special_tokens_map.json'), { bos_token: SPECIAL.bos, eos_token: SPECIAL.eot, pad_token: SPECIAL.pad });
  writeSafetensors(join(dir, 'model.safetensors'), exportWeights(ck.model), { format: 'pt', producer: 'epo', backend: ck.backend ?? tf.getBackend() });
  if (ck.optimizer) {
    const st = ck.optimizer.exportState();
    writeSafetensors(join(dir, 'optimizer.safetensors'), st.tensors, { format: 'epo-adamw', step: String(st.step) });
  }
  if (ck.trainerState) writeJson(join(dir, 'trainer_state.json'), ck.trainerState);
}

function readJson(path: string): any {
  if (!existsSync(path)) throw new EpoError('NOT_FOUND', `${path} does not exist; is this a checkpoint folder?`, { where: path });
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new EpoError('BAD_DATA', `invalid JSON: ${(e as Error).message}`, { where: path });
  }
}

export function loadTokenizer(dir: string): BpeTokenizer {
  return fromTokenizerJson(readJson(join(dir, 'tokenizer.json')), join(dir, 'tokenizer.json'));
}

export function loadCheckpoint(dir: string): Checkpoint {
  const config = validateConfig(readJson(join(dir, 'config.json')), join(dir, 'config.json'));
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > config.vocab_size) throw new EpoError('BAD_DATA', `the tokenizer has ${tokenizer.vocabSize} tokens but vocab_size is ${config.vocab_size}`, { where: join(dir, 'config.json') });
  const path = join(dir, 'model.safetensors');
  const model = importWeights(config, readSafetensors(path).tensors, path);
  const statePath = join(dir, 'trainer_state.json');
  return { model, tokenizer, trainerState: existsSync(statePath) ? readJson(statePath) : undefined };
}

/** Restore an optimizer's moments from a checkpoint folder, when it has them. Returns whether it did. */
export function loadOptimizerState(dir: string, optimizer: AdamW): boolean {
  const path = join(dir, 'optimizer.safetensors');
  if (!existsSync(path)) return false;
  const { tensors, metadata } = readSafetensors(path);
  optimizer.importState({ step: Number(metadata.step ?? 0), tensors });
  return true;
}
