/**
 * The base model a hand-off to LLaMA-Factory fine-tunes (`model_name_or_path`): a model folder, checked for the files
 * `AutoConfig` / `AutoTokenizer.from_pretrained` read and giving exact token counts from its tokenizer.json (when it
 * is a byte-level BPE one, as Llama-3's and Qwen2's are), or a hub
 * id (downloaded by LLaMA-Factory; token counts then estimated). A serving spec (`scripted:…`, `http://…#name`) is not
 * a model LLaMA-Factory can load, so a hand-off without a base model is refused.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { EpoError } from '../../core/errors.js';
import type { CountTokens } from './cutoff.js';
import { tokenizerJsonCounter } from './token-counters.js';

/** Files of a model folder that LLaMA-Factory's loaders need (weights aside: their names vary by format). */
export const MODEL_FOLDER_FILES = ['config.json', 'tokenizer_config.json'];

export interface BaseModel {
  /** What the YAML names: the folder's absolute path, or the hub id. */
  model: string;
  countTokens?: CountTokens;
  /** How tokens are counted, for the record. */
  tokenizer?: string;
  /** Set when counts cannot be exact. */
  warning?: string;
}

/** model_name_or_path as the YAML should name it: a folder by its absolute path (found from any working folder). */
export const yamlModelPath = (model: string): string => (existsSync(model) && statSync(model).isDirectory() ? resolve(model) : model);

const looksLikePath = (s: string) => isAbsolute(s) || /^(\.{1,2}|~)([/\\]|$)/.test(s) || s.split('/').length > 2;

export async function resolveBaseModel(model: string | undefined, strategist: string, where = '--base-model'): Promise<BaseModel> {
  if (!model) {
    throw new EpoError('BAD_INPUT', `the strategist ${strategist} is trained outside with LLaMA-Factory, which fine-tunes a base model, not a serving spec: give ${where} <model folder with config.json and tokenizer.json, or hub id> (e.g. the folder of Meta-Llama-3-8B-Instruct that ${strategist} serves)`, { where });
  }
  if (existsSync(model) && statSync(model).isDirectory()) {
    const missing = MODEL_FOLDER_FILES.filter((f) => !existsSync(join(model, f)));
    if (missing.length) throw new EpoError('NOT_FOUND', `the base model folder lacks ${missing.join(', ')}: LLaMA-Factory could not load it (give the folder of a Hugging Face model)`, { where: `${where} ${model}` });
    const folder = resolve(model);
    // exact counts need a byte-level BPE tokenizer.json (Llama-3, Qwen2); others (e.g. a SentencePiece model) are estimated
    try {
      return { model: folder, countTokens: await tokenizerJsonCounter(folder, where), tokenizer: `hf:${folder}` };
    } catch (e) {
      return { model: folder, warning: `token counts for the cutoff check are estimated as characters/4: ${e instanceof EpoError ? e.message : String(e)}` };
    }
  }
  if (looksLikePath(model)) throw new EpoError('NOT_FOUND', `no model folder at ${model}: give the folder of a Hugging Face model or a hub id`, { where });
  return { model, warning: `the base model ${model} is a hub id, not a local folder: the cutoff check estimates tokens as characters/4 (give the downloaded folder for exact counts)` };
}
