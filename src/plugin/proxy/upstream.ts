/**
 * The upstream as a raw pass-through: the agent's request body (strategy injected) goes to `<base URL>/chat/completions`
 * over node:http(s) with keep-alive, and the response comes back as bytes, so tools, tool-call deltas and unknown
 * fields reach the agent as the upstream sent them. (The ChatModel layer is for text chats; it would drop tools.)
 * The key and secret headers come from the environment by the spec's conventions (key_env, header_env.NAME) and are
 * sent, never stored or echoed.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { EpoError } from '../../core/errors.js';
import { openAIOptionsFromSpec, PLACEHOLDER_KEY } from '../../llm/openai.js';
import { parseModelSpec, publicSpec } from '../../llm/spec.js';

export interface Upstream {
  /** The spec as it may be stored and printed. */
  spec: string;
  baseURL: string;
  /** The spec's model name: sent when the agent's request names none. */
  model: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The values to redact from what the upstream says (the key, secret headers). */
  secrets: string[];
}

export function upstreamFromSpec(spec: string, env: NodeJS.ProcessEnv = process.env, where = '--upstream'): Upstream {
  const s = parseModelSpec(spec, where);
  if (s.kind !== 'openai' && s.kind !== 'http') {
    throw new EpoError('BAD_SPEC', `the upstream must be an OpenAI-compatible endpoint (openai:<model> or http(s)://host:port/v1#<model>), got a ${s.kind}: spec; to put a built-in or scripted model upstream, serve it with \`epo serve\` and give its URL`, { where });
  }
  const o = openAIOptionsFromSpec(s, spec, env);
  const headers: Record<string, string> = { ...o.headers };
  if (o.apiKey !== PLACEHOLDER_KEY) headers.authorization = `Bearer ${o.apiKey}`;
  const secrets = [o.apiKey, ...Object.values(o.headers ?? {})].filter((x) => x && x !== PLACEHOLDER_KEY);
  return { spec: publicSpec(spec), baseURL: o.baseURL, model: o.model, headers, timeoutMs: o.timeoutMs ?? 120_000, secrets };
}

const agents = { http: new http.Agent({ keepAlive: true, maxFreeSockets: 1024 }), https: new https.Agent({ keepAlive: true, maxFreeSockets: 1024 }) };

/** Why no response came: the upstream could not be reached (502) or did not answer in time (504). */
export class UpstreamFailure extends Error {
  constructor(readonly status: 502 | 504, message: string) { super(message); this.name = 'UpstreamFailure'; }
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  signal?: AbortSignal;
  /** Extra headers from the agent that the upstream may need (Accept). */
  headers?: Record<string, string>;
}

/** Send one request; resolves with the upstream's response (its body not yet read) or rejects with UpstreamFailure. */
export function send(u: Upstream, r: UpstreamRequest): Promise<IncomingMessage> {
  const url = new URL(`${u.baseURL}${r.path}`);
  const secure = url.protocol === 'https:';
  const headers: Record<string, string | number> = { ...r.headers, ...u.headers };
  if (r.body !== undefined) { headers['content-type'] = 'application/json'; headers['content-length'] = Buffer.byteLength(r.body); }
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, { method: r.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    const timer = setTimeout(() => { req.destroy(new UpstreamFailure(504, `the upstream did not answer within ${u.timeoutMs / 1000} s`)); }, u.timeoutMs);
    const where = publicSpec(u.baseURL);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e instanceof UpstreamFailure ? e : new UpstreamFailure(502, `cannot reach the upstream at ${where}: ${e.code ?? e.message}`));
    });
    if (r.signal) {
      if (r.signal.aborted) req.destroy(new UpstreamFailure(502, 'the client went away'));
      else r.signal.addEventListener('abort', () => req.destroy(new UpstreamFailure(502, 'the client went away')), { once: true });
    }
    req.end(r.body);
  });
}

/** Read a whole response body, at most `max` bytes (more rejects). */
export function readAll(res: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) { res.destroy(); reject(new UpstreamFailure(502, `the upstream's answer is over ${max} bytes`)); return; }
      chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (e) => reject(new UpstreamFailure(502, `the upstream's answer broke off: ${e.message}`)));
  });
}
