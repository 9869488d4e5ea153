import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../llm/create.js';
import { EpoError } from '../core/errors.js';
import { initBackend } from './backend.js';
import { saveCheckpoint } from './checkpoint.js';
import { makeConfig } from './config.js';
import { initModel } from './llama.js';
import { registerLocalBackend } from './register.js';
import { trainBpe } from './tokenizer/bpe.js';
import { SPECIAL, SPECIAL_TOKENS } from './tokenizer/chat.js';

describe('local:DIR?workers=N: the built-in model on worker threads', () => {
  let dir: string;
  const tok = trainBpe(['Thought: go to the fridge 1.', 'Observation: you see a mug 1 and a cup 2.'], 320, SPECIAL_TOKENS);
  const ask = (i: number) => ({ messages: [{ role: 'user' as const, content: `Task ${i}: find a mug.` }], maxTokens: 6, temperature: 1, seed: 100 + i });

  beforeAll(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'epo-pool-'));
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1 }, {
      bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot)], pad: tok.special(SPECIAL.pad),
    }), 4);
    saveCheckpoint(dir, { model, tokenizer: tok });
    registerLocalBackend();
  });

  it('answers exactly what the in-process model answers for the same seeds, spread over both workers', async () => {
    const one = createModel(`local:${dir}`);
    const pool = createModel(`local:${dir}?workers=2`);
    try {
      // One at a time in process (no batching), all at once in the pool (batched inside each worker).
      const expected: string[] = [];
      for (let i = 0; i < 6; i++) expected.push((await one.complete(ask(i))).text);
      const got = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.complete(ask(i))));
      expect(got.map((r) => r.text)).toEqual(expected);
      expect(expected.some((t) => t.length > 0)).toBe(true);
      expect(got[0].usage.completionTokens).toBeGreaterThan(0);
      await expect(pool.ready!()).resolves.toBeUndefined();
      await expect(one.ready!()).resolves.toBeUndefined();
    } finally {
      await one.close?.();
      await pool.close?.();
    }
  });

  it('reports a missing checkpoint from the worker as an error naming the folder, and refuses bad worker counts', async () => {
    const pool = createModel(`local:${join(dir, 'nope')}?workers=2`);
    try {
      await expect(pool.complete(ask(0))).rejects.toThrow(/nope/);
    } finally { await pool.close?.(); }
    const missing = createModel(`local:${join(dir, 'nope')}?workers=2`);
    try {
      await expect(missing.ready!()).rejects.toThrow(/nope/);
    } finally { await missing.close?.(); }
    const bad = createModel(`local:${dir}?workers=0`);
    await expect(bad.ready!()).rejects.toThrow(/workers must be a whole number/);
    await expect(bad.complete(ask(0))).rejects.toThrow(EpoError);
    await expect(bad.complete(ask(0))).rejects.toThrow(/workers must be a whole number/);
  });
});
