/**
 * TEMPORARY stand-in for `src/llm/create.ts` (built in parallel): `createModel(spec)` for OpenAI-compatible HTTP
 * endpoints and OpenAI's API, via the official SDK. Named scripted models are resolved by the caller. Delete once
 * the shared factory lands.
 */
import OpenAI from 'openai';
import { EpoError } from '../core/errors.js';
import type { ChatModel, CompletionResult } from './model.js';
import { parseModelSpec } from './spec.js';

export function createModel(spec: string): ChatModel {
  const s = parseModelSpec(spec);
  if (s.kind !== 'http' && s.kind !== 'openai') throw new EpoError('BAD_SPEC', `model kind "${s.kind}" is not available here yet`, { where: spec });
  const apiKey = (s.keyEnv && process.env[s.keyEnv]) || (s.kind === 'openai' ? undefined : 'EMPTY');
  if (!apiKey) throw new EpoError('BAD_CONFIG', `environment variable ${s.keyEnv} is not set`, { where: spec });
  const client = new OpenAI({ baseURL: s.baseURL, apiKey, maxRetries: 3, timeout: Number(s.options.timeout ?? 120) * 1000 });
  return {
    spec,
    async complete(req): Promise<CompletionResult> {
      try {
        const r = await client.chat.completions.create({
          model: s.model, messages: req.messages, temperature: req.temperature, top_p: req.topP, max_tokens: req.maxTokens,
          stop: req.stop, seed: req.seed,
          ...(req.jsonSchema ? { response_format: { type: 'json_schema' as const, json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema } } } : {}),
        }, { signal: req.signal });
        const c = r.choices[0];
        return { text: c?.message?.content ?? '', finishReason: c?.finish_reason ?? 'stop', model: r.model,
          usage: { promptTokens: r.usage?.prompt_tokens ?? 0, completionTokens: r.usage?.completion_tokens ?? 0 } };
      } catch (e) {
        if (req.signal?.aborted) throw e;
        throw new EpoError('MODEL_HTTP', `request failed: ${(e as Error).message}`, { where: `${s.baseURL} (${s.model})`, cause: e });
      }
    },
  };
}
