/**
 * Token counters for the cutoff check, named by a spec string: `chars4` (⌈characters / 4⌉, the default estimate),
 * `hf:<model folder or tokenizer.json>` (a model's Hugging Face tokenizer: Llama-3, Qwen2 or any byte-level BPE; exact),
 * or `<kind>:<arg>` for a registered loader (e.g. `local:<checkpoint dir>` once the built-in model registers its
 * tokenizer). Keeping a registry here lets tokenizers plug in without this layer importing them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import type { CountTokens } from './cutoff.js';

export type TokenCounterLoader = (arg: string) => CountTokens | Promise<CountTokens>;

const loaders = new Map<string, TokenCounterLoader>();

export function registerTokenCounter(kind: string, loader: TokenCounterLoader): void {
  loaders.set(kind, loader);
}

export const CHARS4 = 'chars4';

/** The tokenizer.json of a model folder (or the file itself). */
export function tokenizerJsonPath(pathOrDir: string): string {
  return existsSync(pathOrDir) && statSync(pathOrDir).isDirectory() ? join(pathOrDir, 'tokenizer.json') : pathOrDir;
}

/** Count tokens as LLaMA-Factory's tokenizer does: a tokenizer.json, special-token strings parsed as their ids. */
export async function tokenizerJsonCounter(pathOrDir: string, where = '--tokenizer'): Promise<CountTokens> {
  const path = tokenizerJsonPath(pathOrDir);
  let json: unknown;
  try { json = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new EpoError('NOT_FOUND', `cannot read the tokenizer (${where} names a model folder with tokenizer.json, or the file): ${(e as Error).message}`, { where: path });
  }
  const { fromTokenizerJson } = await import('../../model/tokenizer/hf-json.js');
  const tok = fromTokenizerJson(json, path);
  return Object.assign((text: string) => tok.encode(text, { allowSpecial: true }).length, { parsesSpecials: true });
}

registerTokenCounter('hf', (arg) => tokenizerJsonCounter(arg));

/** The counter for a spec; undefined for the default estimate. */
export async function loadTokenCounter(spec: string | undefined): Promise<CountTokens | undefined> {
  if (spec === undefined || spec === CHARS4) return undefined;
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const loader = loaders.get(kind);
  if (!loader) {
    throw new EpoError('BAD_INPUT', `unknown tokenizer "${spec}"; available: ${[CHARS4, ...[...loaders.keys()].map((k) => `${k}:<arg>`)].join(', ')}`, { where: '--tokenizer' });
  }
  return loader(colon < 0 ? '' : spec.slice(colon + 1));
}
