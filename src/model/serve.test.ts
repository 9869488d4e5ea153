import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../llm/create.js';
import { startServer, type RunningServer } from '../serve/openai-server.js';
import { initBackend } from './backend.js';
import { saveCheckpoint } from './checkpoint.js';
import { makeConfig } from './config.js';
import { initModel } from './llama.js';
import { registerLocalBackend } from './register.js';
import { trainBpe } from './tokenizer/bpe.js';
import { SPECIAL, SPECIAL_TOKENS, tokenizeChat } from './tokenizer/chat.js';

describe('the built-in model behind the OpenAI protocol (local:<dir> → epo serve)', () => {
  let server: RunningServer;
  let client: OpenAI;
  const tok = trainBpe(['Thought: go to the fridge 1.', 'Observation: you see a mug 1.'], 320, SPECIAL_TOKENS);
  const messages = [{ role: 'user' as const, content: 'Task: find a mug.' }];

  beforeAll(async () => {
    await initBackend();
    const dir = mkdtempSync(join(tmpdir(), 'epo-local-'));
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1 }, {
      bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot)], pad: tok.special(SPECIAL.pad),
    }), 3);
    saveCheckpoint(dir, { model, tokenizer: tok });
    registerLocalBackend();
    server = await startServer({ model: createModel(`local:${dir}`), name: 'tiny', port: 0 });
    client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => { await server?.close(); });

  it('answers chat completions with usage counted by the real tokenizer, reproducibly for a seed', async () => {
    const ask = () => client.chat.completions.create({ model: 'tiny', messages, max_tokens: 8, temperature: 1, seed: 5 });
    const [a, b] = await Promise.all([ask(), ask()]); // concurrent: batched together
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.usage!.prompt_tokens).toBe(tokenizeChat(tok, messages, { addGenerationPrompt: true }).ids.length);
    expect(a.usage!.completion_tokens).toBeGreaterThan(0);
    expect(a.usage!.completion_tokens).toBeLessThanOrEqual(8);
    expect(['stop', 'length']).toContain(a.choices[0].finish_reason);
  });

  it('streams the same text it returns whole', async () => {
    const whole = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 10, temperature: 0 });
    const stream = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 10, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(whole.choices[0].message.content);
  });
});
