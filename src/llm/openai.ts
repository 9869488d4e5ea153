/**
 * The OpenAI-compatible backend, through the official SDK: OpenAI's API and any server speaking its chat completions
 * protocol (vLLM, SGLang, Ollama, llama.cpp, `epo serve`). The SDK's own retries are off; the retry middleware owns
 * that policy. Errors become EpoErrors naming the URL and model, with status and Retry-After kept in `details`.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { EpoError } from '../core/errors.js';
import { redact, secretValues } from '../core/secrets.js';
import { createNodeFetch } from './node-fetch.js';
import { estimateTokens, type ChatModel, type CompletionRequest, type CompletionResult } from './model.js';
import { parseRetryAfter } from './retry.js';
import type { ModelSpec } from './spec.js';

export interface OpenAIBackendOptions {
  /** The spec string the model was created from (no secrets). */
  spec: string;
  baseURL: string;
  model: string;
  apiKey: string;
  headers?: Record<string, string>;
  /** Per-request timeout (default 120 s). */
  timeoutMs?: number;
  /** `max_completion_tokens` (OpenAI's current name) instead of `max_tokens` (what most local servers read). */
  maxCompletionTokens?: boolean;
  /** How a request's jsonSchema is sent: as a json_schema response format (default), as json_object, or not at all. */
  jsonMode?: JsonMode;
}

export type JsonMode = 'schema' | 'object' | 'off';

/** Key sent to servers that ignore authentication (the SDK refuses an empty one). */
export const PLACEHOLDER_KEY = 'none';
export const DEFAULT_TIMEOUT_S = 120;

const KNOWN_OPTIONS = new Set(['key_env', 'base_url', 'timeout', 'concurrency', 'retries', 'json_mode']);

/** Backend options from a parsed `openai:` or `http(s):` spec, reading the key and secret headers from `env`. */
export function openAIOptionsFromSpec(spec: Extract<ModelSpec, { kind: 'openai' | 'http' }>, specString: string, env: NodeJS.ProcessEnv = process.env): OpenAIBackendOptions {
  const where = `model spec ${specString}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.options)) {
    if (k.startsWith('header.') && k.length > 7) headers[k.slice(7)] = v;
    else if (k.startsWith('header_env.') && k.length > 11) {
      const value = env[v];
      if (!value) throw new EpoError('BAD_CONFIG', `header ${k.slice(11)} should come from environment variable ${v}, which is not set`, { where });
      headers[k.slice(11)] = value;
    } else if (!KNOWN_OPTIONS.has(k)) {
      throw new EpoError('BAD_SPEC', `unknown option "${k}" (known: ${[...KNOWN_OPTIONS].join(', ')}, header.NAME, header_env.NAME)`, { where });
    }
  }
  let apiKey = PLACEHOLDER_KEY;
  if (spec.keyEnv) {
    const value = env[spec.keyEnv];
    if (!value) throw new EpoError('BAD_CONFIG', `the API key should come from environment variable ${spec.keyEnv}, which is not set`, { where });
    apiKey = value;
  }
  let timeoutMs = DEFAULT_TIMEOUT_S * 1000;
  if (spec.options.timeout !== undefined) {
    const t = Number(spec.options.timeout);
    if (!(t > 0)) throw new EpoError('BAD_SPEC', `timeout must be a positive number of seconds, got "${spec.options.timeout}"`, { where });
    timeoutMs = t * 1000;
  }
  const jsonMode = (spec.options.json_mode ?? 'schema') as JsonMode;
  if (!['schema', 'object', 'off'].includes(jsonMode)) throw new EpoError('BAD_SPEC', `json_mode must be schema, object or off, got "${jsonMode}"`, { where });
  return { spec: specString, baseURL: spec.baseURL, model: spec.model, apiKey, headers, timeoutMs, maxCompletionTokens: spec.kind === 'openai', jsonMode };
}

/** An SDK error as an EpoError whose message names the URL and model and never the key. */
export function mapOpenAIError(e: unknown, o: Pick<OpenAIBackendOptions, 'baseURL' | 'model' | 'apiKey' | 'timeoutMs'>): EpoError {
  if (e instanceof EpoError) return e;
  const secrets = [o.apiKey, ...secretValues()].filter((s) => s && s !== PLACEHOLDER_KEY);
  const url = `${o.baseURL}/chat/completions`;
  const at = { url, model: o.model };
  const msg = (s: string) => redact(s, secrets);
  const where = `${url} (model ${o.model})`;
  if (e instanceof OpenAI.APIUserAbortError) return new EpoError('INTERRUPTED', 'the request was cancelled', { where, details: at });
  if (e instanceof OpenAI.APIConnectionTimeoutError) {
    return new EpoError('MODEL_TIMEOUT', `no answer within ${(o.timeoutMs ?? 0) / 1000} s`, { where, details: { ...at, timeoutMs: o.timeoutMs } });
  }
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return new EpoError('MODEL_HTTP', msg(`connection failed${cause}`), { where, details: { ...at, connection: true } });
  }
  if (e instanceof OpenAI.APIError && e.status !== undefined) {
    const retryAfterMs = e.headers ? parseRetryAfter((n) => e.headers!.get(n)) : undefined;
    const details = { ...at, status: e.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    const text = msg(`HTTP ${e.status}: ${e.message.replace(/^\d+\s*/, '')}`);
    return new EpoError(e.status === 429 ? 'RATE_LIMITED' : 'MODEL_HTTP', text, { where, details });
  }
  return new EpoError('MODEL_HTTP', msg(`request failed: ${e instanceof Error ? e.message : String(e)}`), { where, details: at });
}

export function openAIModel(o: OpenAIBackendOptions): ChatModel {
  const client = new OpenAI({
    apiKey: o.apiKey,
    baseURL: o.baseURL,
    defaultHeaders: o.headers,
    timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    maxRetries: 0,
    // node:http with keep-alive instead of the built-in fetch: a third of the CPU per call (see node-fetch.ts)
    fetch: createNodeFetch(),
  });
  const params = (req: CompletionRequest): ChatCompletionCreateParamsBase => {
    const p: ChatCompletionCreateParamsBase = { model: o.model, messages: req.messages };
    if (req.temperature !== undefined) p.temperature = req.temperature;
    if (req.topP !== undefined) p.top_p = req.topP;
    if (req.maxTokens !== undefined) {
      if (o.maxCompletionTokens) p.max_completion_tokens = req.maxTokens;
      else p.max_tokens = req.maxTokens;
    }
    if (req.stop?.length) p.stop = req.stop;
    if (req.seed !== undefined) p.seed = req.seed;
    if (req.jsonSchema && o.jsonMode === 'object') p.response_format = { type: 'json_object' };
    else if (req.jsonSchema && o.jsonMode !== 'off') {
      p.response_format = { type: 'json_schema', json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: req.jsonSchema.strict ?? false } };
    }
    return p;
  };
  return {
    spec: o.spec,
    async complete(req): Promise<CompletionResult> {
      let resp;
      try {
        resp = await client.chat.completions.create({ ...params(req), stream: false }, { signal: req.signal });
      } catch (e) {
        throw mapOpenAIError(e, o);
      }
      const choice = resp.choices?.[0];
      if (!choice) throw new EpoError('MODEL_OUTPUT', 'the server answered without any choice', { where: `${o.baseURL} (model ${o.model})` });
      const text = choice.message?.content ?? '';
      const prompt = resp.usage?.prompt_tokens ?? req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      return {
        text,
        usage: { promptTokens: prompt, completionTokens: resp.usage?.completion_tokens ?? estimateTokens(text) },
        finishReason: choice.finish_reason ?? 'stop',
        model: resp.model ?? o.model,
      };
    },
    async *stream(req): AsyncIterable<string> {
      try {
        const chunks = await client.chat.completions.create({ ...params(req), stream: true }, { signal: req.signal });
        for await (const chunk of chunks) {
          const delta = chunk.choices?.[0]?.delta?.content;
          if (delta) yield delta;
        }
      } catch (e) {
        throw mapOpenAIError(e, o);
      }
    },
  };
}
