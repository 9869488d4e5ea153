/**
 * Export for LLaMA-Factory with the EPO reward-weighted loss (the EPO fork of LLaMA-Factory 0.9.1): ShareGPT records
 * `{ conversations: [{from: human, value}, {from: gpt, value, score: "<w>"}, …], system? }`, alternating, starting with
 * human and ending with gpt, every gpt turn with its weight as a string; `dataset_info.json` registering the train
 * (and validation) file; and a training YAML with the reference hyper-parameters (§1.F), minus its defects: no
 * `resume_from_checkpoint: true` on a fresh output dir, no silent `max_samples` truncation, no hard-coded `../LLMs`
 * paths, no DeepSpeed config that exists only inside a LLaMA-Factory checkout (a ZeRO-3 config is written beside the
 * data and named by its absolute path, so every file the YAML names exists wherever `llamafactory-cli` runs); the
 * validation file is registered as `<name>_val` and wired in as `eval_dataset` on request.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { DatasetExample } from '../dataset.js';

export interface ShareGptTurn {
  from: 'human' | 'gpt';
  value: string;
  score?: string;
}

export interface ShareGptRecord {
  conversations: ShareGptTurn[];
  system?: string;
}

export function toShareGpt(ex: DatasetExample, withSystem: boolean): ShareGptRecord {
  let k = 0;
  const conversations = ex.messages.map((m): ShareGptTurn => (m.role === 'assistant'
    ? { from: 'gpt', value: m.content, score: String(ex.weights[k++]) }
    : { from: 'human', value: m.content }));
  return withSystem ? { conversations, system: ex.system ?? '' } : { conversations };
}

export interface LlamaFactoryOptions {
  /** Dataset name registered in dataset_info.json (the validation set gets `<name>_val`). */
  name: string;
  /** model_name_or_path in the YAML. */
  model: string;
  template: string;
  cutoffLen: number;
  /** output_dir in the YAML. */
  outputDir?: string;
  /** Path of a DeepSpeed config; default: the ZeRO-3 config written beside the data (`ds_z3_config.json`). */
  deepspeed?: string;
  /**
   * Evaluate on the validation file during training. Off by default: the reference YAMLs never evaluate, and the
   * fork's overridden compute_loss was written for training only (evaluation goes through it too).
   */
  evaluate?: boolean;
}

/** The training YAML: the reference settings for Llama-3-8B (full fine-tuning, ZeRO-3, bf16, lr 1e-6, 3 epochs). */
export function trainingConfig(dir: string, o: LlamaFactoryOptions, hasVal: boolean): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    model_name_or_path: o.model,
    stage: 'sft',
    do_train: true,
    finetuning_type: 'full',
    deepspeed: o.deepspeed ?? resolve(dir, DEEPSPEED_FILE),
    dataset: o.name,
    dataset_dir: resolve(dir),
    template: o.template,
    cutoff_len: o.cutoffLen,
    overwrite_cache: true,
    preprocessing_num_workers: 16,
    output_dir: o.outputDir ?? resolve(dir, 'saves', 'strategist'),
    logging_steps: 10,
    save_steps: 50,
    plot_loss: true,
    overwrite_output_dir: true,
    per_device_train_batch_size: 1,
    gradient_accumulation_steps: 8,
    learning_rate: 1.0e-6,
    num_train_epochs: 3.0,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.03,
    bf16: true,
    ddp_timeout: 180000000,
  };
  if (hasVal && o.evaluate) Object.assign(cfg, { eval_dataset: `${o.name}_val`, per_device_eval_batch_size: 1, eval_strategy: 'steps', eval_steps: 50 });
  return cfg;
}

export const DEEPSPEED_FILE = 'ds_z3_config.json';

/**
 * DeepSpeed ZeRO-3 as the reference trains (bf16, overlapped communication, 16-bit weights gathered on save so the
 * checkpoint loads without DeepSpeed); "auto" lets the HF Trainer fill batch sizes, clipping and precision.
 */
export const ZERO3_CONFIG = {
  train_batch_size: 'auto',
  train_micro_batch_size_per_gpu: 'auto',
  gradient_accumulation_steps: 'auto',
  gradient_clipping: 'auto',
  zero_allow_untested_optimizer: true,
  bf16: { enabled: 'auto' },
  fp16: { enabled: 'auto', loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
  zero_optimization: {
    stage: 3, overlap_comm: true, contiguous_gradients: true, sub_group_size: 1e9, reduce_bucket_size: 'auto',
    stage3_prefetch_bucket_size: 'auto', stage3_param_persistence_threshold: 'auto', stage3_max_live_parameters: 1e9,
    stage3_max_reuse_distance: 1e9, stage3_gather_16bit_weights_on_model_save: true,
  },
};

export interface LlamaFactoryFiles {
  train: string;
  val?: string;
  datasetInfo: string;
  config: string;
  deepspeed?: string;
}

export function writeLlamaFactory(dir: string, examples: readonly DatasetExample[], o: LlamaFactoryOptions): LlamaFactoryFiles {
  mkdirSync(dir, { recursive: true });
  const withSystem = examples.some((x) => x.system !== undefined);
  const train = examples.filter((x) => x.split === 'train'), val = examples.filter((x) => x.split === 'val');
  const entry = (file: string) => ({
    file_name: file, formatting: 'sharegpt',
    columns: withSystem ? { messages: 'conversations', system: 'system' } : { messages: 'conversations' },
    tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' },
  });
  const files: LlamaFactoryFiles = { train: join(dir, `${o.name}.json`), datasetInfo: join(dir, 'dataset_info.json'), config: join(dir, 'train_epo.yaml') };
  const info: Record<string, unknown> = { [o.name]: entry(`${o.name}.json`) };
  writeFileSync(files.train, JSON.stringify(train.map((x) => toShareGpt(x, withSystem)), null, 1) + '\n');
  if (val.length) {
    files.val = join(dir, `${o.name}_val.json`);
    writeFileSync(files.val, JSON.stringify(val.map((x) => toShareGpt(x, withSystem)), null, 1) + '\n');
    info[`${o.name}_val`] = entry(`${o.name}_val.json`);
  } else rmSync(join(dir, `${o.name}_val.json`), { force: true }); // no stale split from an earlier build
  writeFileSync(files.datasetInfo, JSON.stringify(info, null, 2) + '\n');
  if (o.deepspeed === undefined) {
    files.deepspeed = join(dir, DEEPSPEED_FILE);
    writeFileSync(files.deepspeed, JSON.stringify(ZERO3_CONFIG, null, 2) + '\n');
  }
  const header = '# EPO strategist training for the EPO fork of LLaMA-Factory (reward-weighted loss reads each gpt turn\'s "score").\n'
    + '# Written by `epo dataset build`; run with `epo train --engine llamafactory --dataset <this folder>`.\n';
  writeFileSync(files.config, header + stringify(trainingConfig(dir, o, val.length > 0)));
  return files;
}
