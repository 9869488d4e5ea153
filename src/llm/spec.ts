/**
 * Model spec strings: one string names a model and how to reach it.
 *   openai:gpt-4o-mini                          OpenAI's API (key from OPENAI_API_KEY)
 *   http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct any OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp)
 *   local:./runs/x/checkpoint                   the built-in model from a checkpoint folder
 *   scripted:walkthrough                        a named scripted model (tests and offline wiring)
 * Query parameters after the model name set per-endpoint options: `#model?key_env=MY_KEY&timeout=30`.
 * Options of `openai:` and `http(s):` specs (read by src/llm/openai.ts and src/llm/create.ts):
 *   key_env=VAR            the environment variable holding the API key (openai: default OPENAI_API_KEY; http: none,
 *                          a placeholder key is sent because local servers ignore it)
 *   base_url=URL           openai: only; another OpenAI-compatible base URL with the openai: naming
 *   timeout=SECONDS        per-request timeout (default 120)
 *   header.NAME=VALUE      an extra HTTP header sent with every request, e.g. `?header.X-Team=epo`
 *   header_env.NAME=VAR    an extra header whose value comes from an environment variable (for secret headers)
 *   concurrency=N          at most N requests in flight to this base URL, shared by every model using it (default 8)
 *   retries=N              attempts after the first on 429, 5xx, timeouts and dropped connections (default 4)
 *   json_mode=schema|object|off  how a JSON schema is sent: response_format json_schema (default), json_object (servers
 *                          without schema support), or not at all (the prompt must ask for JSON)
 *   max_response_chars=N   keep at most N characters of an answer (default 1 MiB of text); a longer one is cut and
 *                          the call is marked truncated (finish reason "length")
 * Keys and header values read from the environment never appear in the spec string, logs, stores or errors. A spec
 * that carries a secret inline (`header.NAME=VALUE`, a password in the URL, a key/token/secret-like parameter) is
 * used as written for requests, but stored and printed only as `publicSpec(spec)`, with those values redacted.
 */
import type { ModelRef } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { redactSpecSecrets } from '../core/secrets.js';

/** The spec as it may be stored, logged and printed: every header value and secret parameter redacted. */
export const publicSpec = (spec: string): string => redactSpecSecrets(spec);

/** A model as a run records it: its public spec and the sampling settings sent on every call. */
export const modelRef = (spec: string, sampling: Omit<ModelRef, 'spec'> = {}): ModelRef => ({ spec: publicSpec(spec), ...sampling });

export type ModelSpec =
  | { kind: 'openai'; baseURL: string; model: string; keyEnv: string; options: Record<string, string> }
  | { kind: 'http'; baseURL: string; model: string; keyEnv?: string; options: Record<string, string> }
  | { kind: 'local'; path: string; options: Record<string, string> }
  | { kind: 'scripted'; name: string; options: Record<string, string> };

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

function splitOptions(s: string): [string, Record<string, string>] {
  const q = s.indexOf('?');
  if (q < 0) return [s, {}];
  const options: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(s.slice(q + 1))) options[k] = v;
  return [s.slice(0, q), options];
}

export function parseModelSpec(spec: string, where = 'model spec'): ModelSpec {
  const s = spec.trim();
  const bad = (why: string): never => {
    throw new EpoError('BAD_SPEC', `invalid model spec "${publicSpec(spec)}": ${why}. Expected openai:<model>, http(s)://host:port/v1#<model>, local:<checkpoint dir> or scripted:<name>`, { where });
  };
  if (!s) bad('it is empty');
  if (s.startsWith('http://') || s.startsWith('https://')) {
    const hash = s.indexOf('#');
    if (hash < 0) bad('an HTTP spec needs "#<model name>" after the base URL');
    const base = s.slice(0, hash);
    const [model, options] = splitOptions(s.slice(hash + 1));
    if (!model) bad('the model name after "#" is empty');
    // The URL parser drops tabs, line breaks and surrounding spaces silently, but the base URL is used as written.
    if (/[\s\p{Cc}]/u.test(base)) bad(`${JSON.stringify(base)} is not a valid URL: it holds a space or control character`);
    try { new URL(base); } catch { bad(`"${base}" is not a valid URL`); }
    return { kind: 'http', baseURL: base.replace(/\/+$/, ''), model, keyEnv: options.key_env, options };
  }
  const colon = s.indexOf(':');
  if (colon < 0) bad('it has no kind prefix');
  const kind = s.slice(0, colon);
  const [rest, options] = splitOptions(s.slice(colon + 1));
  if (!rest) bad(`nothing follows "${kind}:"`);
  switch (kind) {
    case 'openai':
      return { kind: 'openai', baseURL: options.base_url ?? OPENAI_BASE_URL, model: rest, keyEnv: options.key_env ?? 'OPENAI_API_KEY', options };
    case 'local':
      return { kind: 'local', path: rest, options };
    case 'scripted':
      return { kind: 'scripted', name: rest, options };
    default:
      return bad(`unknown kind "${kind}"`);
  }
}
