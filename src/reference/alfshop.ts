/**
 * The reference release's ALFWorld / WebShop ("Alfshop") files, read at run time from the installed copy: the task
 * config names the instruction and one-shot example files of both roles and the step limit
 * (`Alfshop/eval_agent/configs/task/<env>.json`), and the model config the sampling settings
 * (`configs/model/fastchat.json`). Nothing of their text lives in the source.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { dataDir } from '../data/dir.js';
import { referenceRoot } from './files.js';

export type AlfshopEnv = 'alfworld' | 'webshop';

/** One message of a one-shot example as the release stores it; its role is read from its position, not from a key. */
export interface IclMessage { content: string }

/** Sampling of one role: what the reference's FastChat client sends. */
export interface RoleDecoding { temperature: number; topP: number }

export interface AlfshopReference {
  env: AlfshopEnv;
  strategistInstruction: string;
  actorInstruction: string;
  /** The examples as the release stores them: a list of conversations (the reference uses the first one). */
  strategistIcl: IclMessage[][];
  actorIcl: IclMessage[][];
  maxSteps: number;
  strategist: RoleDecoding;
  actor: RoleDecoding;
  maxTokens: number;
  /** The files read, relative to the release's `EPO/` folder (for the protocol record). */
  files: string[];
}

const ALFSHOP = 'Alfshop';
export const taskConfigPath = (env: AlfshopEnv): string => `${ALFSHOP}/eval_agent/configs/task/${env}.json`;
export const MODEL_CONFIG_PATH = `${ALFSHOP}/eval_agent/configs/model/fastchat.json`;

function read(dir: string, rel: string): string {
  const p = join(dir, rel);
  if (!existsSync(p)) throw new EpoError('MISSING_DATA', `the reference protocol needs ${rel} from the EPO release; run: epo data install epo-reference [--from <folder>]`, { where: p });
  return readFileSync(p, 'utf8');
}

function json(dir: string, rel: string): unknown {
  try { return JSON.parse(read(dir, rel)); } catch (e) {
    if (e instanceof EpoError) throw e;
    throw new EpoError('BAD_DATA', `not valid JSON (${(e as Error).message}); reinstall: epo data install epo-reference`, { where: join(dir, rel) });
  }
}

const bad = (dir: string, rel: string, what: string) =>
  new EpoError('BAD_DATA', `${what}; this is not the release's file, reinstall: epo data install epo-reference`, { where: join(dir, rel) });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function icl(dir: string, rel: string): IclMessage[][] {
  const v = json(dir, rel);
  const ok = Array.isArray(v) && v.length > 0 && v.every((c) => Array.isArray(c) && c.length > 0 && c.every((m) => isObject(m) && typeof m.content === 'string'));
  if (!ok) throw bad(dir, rel, 'a one-shot example file must be a non-empty list of conversations of messages with a "content" string');
  return v as IclMessage[][];
}

/** A path of the task config (relative to `Alfshop/`, where the reference runs) as a path of the release. */
function configPath(dir: string, cfg: Record<string, unknown>, key: string, env: AlfshopEnv): string {
  const v = cfg[key];
  if (typeof v !== 'string' || !v) throw bad(dir, taskConfigPath(env), `env_config.${key} must name a file`);
  return `${ALFSHOP}/${v}`;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Read and check the reference's files for one environment from an installed (or staged) dataset folder. */
export function loadAlfshopFrom(env: AlfshopEnv, dir: string): AlfshopReference {
  const task = json(dir, taskConfigPath(env));
  const cfg = isObject(task) && isObject(task.env_config) ? task.env_config : undefined;
  if (!cfg) throw bad(dir, taskConfigPath(env), 'the task config has no env_config object');
  const maxSteps = cfg.max_steps;
  if (typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < 1) throw bad(dir, taskConfigPath(env), 'env_config.max_steps must be a positive integer');
  if (cfg.icl_format !== 'conversation') throw bad(dir, taskConfigPath(env), `env_config.icl_format is ${JSON.stringify(cfg.icl_format)}; the reference protocol lays examples out as a conversation`);
  const paths = {
    strategistInstruction: configPath(dir, cfg, 'thought_instruction_path', env), actorInstruction: configPath(dir, cfg, 'action_instruction_path', env),
    strategistIcl: configPath(dir, cfg, 'thought_icl_path', env), actorIcl: configPath(dir, cfg, 'action_icl_path', env),
  };
  const model = json(dir, MODEL_CONFIG_PATH);
  const m = isObject(model) && isObject(model.config) ? model.config : undefined;
  if (!m) throw bad(dir, MODEL_CONFIG_PATH, 'the model config has no config object');
  // The client reads `<role>_model_temperature` with 0 as its default; the release's file spells the key
  // `temparature`, so the reference decodes greedily (FastChat treats temperature 0 as greedy and then ignores top_p).
  return {
    env,
    strategistInstruction: read(dir, paths.strategistInstruction), actorInstruction: read(dir, paths.actorInstruction),
    strategistIcl: icl(dir, paths.strategistIcl), actorIcl: icl(dir, paths.actorIcl),
    maxSteps,
    strategist: { temperature: num(m.thought_model_temperature, 0), topP: num(m.thought_model_top_p, 0) },
    actor: { temperature: num(m.action_model_temperature, 0), topP: num(m.action_model_top_p, 0) },
    maxTokens: num(m.max_new_tokens, 512),
    files: [taskConfigPath(env), MODEL_CONFIG_PATH, ...Object.values(paths)],
  };
}

/** The installed reference files of one environment (data root: EPO_DATA_DIR or the cache folder). */
export const loadAlfshopReference = (env: AlfshopEnv, root = dataDir()): AlfshopReference => loadAlfshopFrom(env, referenceRoot(root));

/** Check a staged install holds usable Alfshop files (the installer's describe step). */
export const checkAlfshopFiles = (env: AlfshopEnv, dir: string): void => { loadAlfshopFrom(env, dir); };
