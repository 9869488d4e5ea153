/**
 * The OpenAI-compatible backend: OpenAI's API and any server speaking its chat completions protocol (vLLM, SGLang,
 * Ollama, llama.cpp, `epo serve`). Streams go through the official SDK; plain calls, the rollout's hot path, are one
 * JSON POST over a keep-alive agent (chat-post.ts) whose failures are turned into the SDK's errors, so both paths
 * report alike. The SDK's own retries are off; the retry middleware owns that policy. Errors become EpoErrors naming
 * the URL and model, with status and Retry-After kept in `details`.
 */
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { EpoError } from '../core/errors.js';
import { redact, secretValues } from '../core/secrets.js';
import { chatPoster, PostCancelled, type PostedAnswer } from './chat-post.js';
import { createNodeFetch, ResponseTooLarge } from './node-fetch.js';
import { estimateTokens, type ChatModel, type CompletionRequest, type CompletionResult } from './model.js';
import { parseRetryAfter } from './retry.js';
import { publicSpec, type ModelSpec } from './spec.js';

export interface OpenAIBackendOptions {
  /** The spec string the model was created from, as it may be printed (publicSpec: no secrets). */
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
  /** Characters kept of an answer (default 1 MiB of text); the rest is cut and the result marked truncated. */
  maxResponseChars?: number;
}

export type JsonMode = 'schema' | 'object' | 'off';

/** Key sent to servers that ignore authentication (the SDK refuses an empty one). */
export const PLACEHOLDER_KEY = 'none';
export const DEFAULT_TIMEOUT_S = 120;
export const DEFAULT_MAX_RESPONSE_CHARS = 1 << 20;

/** Bytes of body read for an answer of `chars` characters: JSON escapes a character in at most 6 bytes, plus room
 *  for the envelope (usage, logprobs). Past this the server is not answering but flooding. */
export const maxBodyBytes = (chars: number): number => 6 * chars + (1 << 20);

const KNOWN_OPTIONS = new Set(['key_env', 'base_url', 'timeout', 'concurrency', 'retries', 'json_mode', 'max_response_chars']);

/** Backend options from a parsed `openai:` or `http(s):` spec, reading the key and secret headers from `env`. */
export function openAIOptionsFromSpec(spec: Extract<ModelSpec, { kind: 'openai' | 'http' }>, specString: string, env: NodeJS.ProcessEnv = process.env): OpenAIBackendOptions {
  const shown = publicSpec(specString);
  const where = `model spec ${shown}`;
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
  let maxResponseChars = DEFAULT_MAX_RESPONSE_CHARS;
  if (spec.options.max_response_chars !== undefined) {
    const n = spec.options.max_response_chars;
    if (!/^\d+$/.test(n) || Number(n) < 1 || !Number.isSafeInteger(Number(n))) throw new EpoError('BAD_SPEC', `max_response_chars must be a whole number ≥ 1, got "${n}"`, { where });
    maxResponseChars = Number(n);
  }
  return { spec: shown, baseURL: spec.baseURL, model: spec.model, apiKey, headers, timeoutMs, maxCompletionTokens: spec.kind === 'openai', jsonMode, maxResponseChars };
}

/** An SDK error as an EpoError whose message names the URL and model and never the key. */
export function mapOpenAIError(e: unknown, o: Pick<OpenAIBackendOptions, 'baseURL' | 'model' | 'apiKey' | 'timeoutMs' | 'headers'>): EpoError {
  if (e instanceof EpoError) return e;
  const secrets = [o.apiKey, ...Object.values(o.headers ?? {}), ...secretValues()].filter((s) => s && s !== PLACEHOLDER_KEY);
  const url = `${publicSpec(o.baseURL)}/chat/completions`;
  const at = { url, model: o.model };
  const msg = (s: string) => redact(s, secrets);
  const where = `${url} (model ${o.model})`;
  const tooLarge = e instanceof ResponseTooLarge ? e : e instanceof Error && e.cause instanceof ResponseTooLarge ? e.cause : undefined;
  if (tooLarge) {
    return new EpoError('MODEL_OUTPUT', `the answer is over ${tooLarge.limit} bytes: the server does not stop sending (raise max_response_chars in the spec if such answers are genuine)`, { where, details: { ...at, tooLarge: true } });
  }
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

/** An answer cut to `max` characters (never inside a surrogate pair), and whether it was cut. */
export function capText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return { text: text.slice(0, end), truncated: true };
}

/** The endpoint of chat completions under a base URL, joined as the SDK joins it. */
export const chatURL = (baseURL: string): string => (baseURL.endsWith('/') ? `${baseURL}chat/completions` : `${baseURL}/chat/completions`);

/** Headers of a plain call: JSON both ways, the bearer key, then the spec's own headers (which win, any case). */
function plainHeaders(o: OpenAIBackendOptions): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'epo', authorization: `Bearer ${o.apiKey}` };
  for (const [k, v] of Object.entries(o.headers ?? {})) h[k.toLowerCase()] = v;
  return h;
}

/** The parsed answer of a plain call, read as the SDK reads it: JSON by content type, else text; a failed status
 *  becomes the SDK's status error (its message from the body's `error.message`, the body, or the status alone). */
export function answerBody(a: PostedAnswer): unknown {
  const text = () => { const t = a.body.toString('utf8'); return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t; };
  if (a.status < 200 || a.status > 299) {
    const errText = text();
    let errJSON: unknown;
    try { errJSON = JSON.parse(errText); } catch { errJSON = undefined; }
    const headers = new Headers();
    for (const [k, v] of Object.entries(a.headers)) for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, x);
    throw OpenAI.APIError.generate(a.status, errJSON as object | undefined, errJSON ? undefined : errText, headers);
  }
  if (a.status === 204) return null;
  const type = String(a.headers['content-type'] ?? '').split(';')[0].trim();
  if (!type.includes('application/json') && !type.endsWith('+json')) return text();
  if (a.headers['content-length'] === '0') return undefined;
  return JSON.parse(text()) as unknown;
}

/** A failed post as the SDK reports a failed fetch: cancelled by the caller, timed out, or a connection error. */
function postFailure(e: unknown, signal: AbortSignal | undefined): unknown {
  if (e instanceof ResponseTooLarge) return e;
  if (signal?.aborted || (e instanceof PostCancelled && e.by === 'signal')) return new OpenAI.APIUserAbortError();
  const err = e instanceof Error ? e : new Error(String(e));
  if (e instanceof PostCancelled || /timed? ?out/i.test(String(err) + ('cause' in err ? String(err.cause) : ''))) return new OpenAI.APIConnectionTimeoutError();
  return new OpenAI.APIConnectionError({ cause: err });
}

type Completion = Partial<Pick<OpenAI.ChatCompletion, 'choices' | 'usage' | 'model'>> | null | undefined;

export function openAIModel(o: OpenAIBackendOptions): ChatModel {
  const maxChars = o.maxResponseChars ?? DEFAULT_MAX_RESPONSE_CHARS;
  // plain calls go straight over node:http (see chat-post.ts); streams go through the SDK
  const poster = chatPoster({ url: chatURL(o.baseURL), headers: plainHeaders(o), timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000, maxBodyBytes: maxBodyBytes(maxChars) });
  const client = new OpenAI({
    apiKey: o.apiKey,
    baseURL: o.baseURL,
    defaultHeaders: o.headers,
    timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
    maxRetries: 0,
    // node:http with keep-alive instead of the built-in fetch: a third of the CPU per call (see node-fetch.ts)
    fetch: createNodeFetch({ maxBodyBytes: maxBodyBytes(maxChars) }),
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
      let resp: Completion;
      try {
        const answer = await poster.post(JSON.stringify({ ...params(req), stream: false }), req.signal).catch((e: unknown) => { throw postFailure(e, req.signal); });
        resp = answerBody(answer) as Completion;
      } catch (e) {
        throw mapOpenAIError(e, o);
      }
      const choice = resp?.choices?.[0];
      if (!choice) throw new EpoError('MODEL_OUTPUT', 'the server answered without any choice', { where: `${o.baseURL} (model ${o.model})` });
      const { text, truncated } = capText(choice.message?.content ?? '', maxChars);
      const prompt = resp?.usage?.prompt_tokens ?? req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      return {
        text,
        usage: { promptTokens: prompt, completionTokens: resp?.usage?.completion_tokens ?? estimateTokens(text) },
        finishReason: truncated ? 'length' : choice.finish_reason ?? 'stop',
        model: resp?.model ?? o.model,
        ...(truncated ? { truncated } : {}),
      };
    },
    async *stream(req): AsyncIterable<string> {
      try {
        const chunks = await client.chat.completions.create({ ...params(req), stream: true }, { signal: req.signal });
        let sent = 0;
        for await (const chunk of chunks) {
          const delta = chunk.choices?.[0]?.delta?.content;
          if (!delta) continue;
          const piece = capText(delta, maxChars - sent);
          sent += piece.text.length;
          if (piece.text) yield piece.text;
          if (piece.truncated) return; // leaving the loop closes the stream
        }
      } catch (e) {
        throw mapOpenAIError(e, o);
      }
    },
  };
}
