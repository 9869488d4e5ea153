import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { saveCheckpoint } from './checkpoint.js';
import { makeConfig } from './config.js';
import { initModel } from './llama.js';
import { scoreSequences } from './logprobs.js';
import { trainBpe } from './tokenizer/bpe.js';
import { SPECIAL, SPECIAL_TOKENS } from './tokenizer/chat.js';

const epo = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('epo model (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epo-cli-'));
  const tok = trainBpe(['Thought: go to the fridge 1.'], 300, SPECIAL_TOKENS);
  let expected: number[];
  beforeAll(async () => {
    await initBackend();
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2 }, { bos: tok.special(SPECIAL.bos), eos: tok.special(SPECIAL.eot) }), 9);
    saveCheckpoint(dir, { model, tokenizer: tok });
    expected = scoreSequences(model, [[tok.special(SPECIAL.bos), ...tok.encode('Thought: go')]], 0)[0];
  });

  it('score prints every token with its log-probability as JSON', () => {
    const out = JSON.parse(epo('model', 'score', '--model', `local:${dir}`, '--text', 'Thought: go'));
    expect(out.tokens.map((t: { token: string }) => t.token).join('')).toBe('Thought: go');
    out.tokens.forEach((t: { logprob: number }, i: number) => expect(t.logprob).toBeCloseTo(expected[i], 5));
    expect(out.sum).toBeCloseTo(expected.reduce((a, b) => a + b, 0), 4);
  });

  it('fails with a clear error for a folder that is not a checkpoint', () => {
    let err = '';
    try { epo('model', 'score', '--model', `local:${join(dir, 'missing')}`, '--text', 'x'); } catch (e) { err = String((e as { stderr: string }).stderr); }
    expect(err).toMatch(/error \[NOT_FOUND\]: .*missing\/config.json does not exist/);
  });
});
