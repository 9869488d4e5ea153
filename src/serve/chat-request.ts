/**
 * The body of `POST /v1/chat/completions`, validated with zod and turned into a CompletionRequest. Fields we do not
 * use (user, logprobs, ...) are accepted and ignored, as OpenAI-compatible servers do; fields we cannot honour
 * (n > 1, tools) are refused with a message naming them.
 */
import { z } from 'zod';
import type { ChatMessage } from '../core/messages.js';
import type { CompletionRequest, JsonSchemaSpec } from '../llm/model.js';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant'], { message: 'must be one of system, developer, user, assistant' }),
  content: z.union([z.string(), z.array(textPart)], { message: 'must be a string or a list of {type: "text", text} parts' }),
});

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }),
  }),
]);

export const chatRequestSchema = z.object({
  model: z.string({ message: 'is required (a string)' }),
  messages: z.array(message, { message: 'is required (a list of messages)' }).min(1, { message: 'must hold at least one message' }),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, { message: 'only n = 1 is supported' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  response_format: responseFormat.nullish(),
  tools: z.array(z.unknown()).max(0, { message: 'tools are not supported by this server' }).nullish(),
});

export type ChatRequestBody = z.infer<typeof chatRequestSchema>;

/** A zod path as OpenAI names parameters: `messages[2].role`. */
export function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

export type Validation = { ok: true; body: ChatRequestBody } | { ok: false; param: string; message: string };

export function validateChatRequest(json: unknown): Validation {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { ok: false, param: '', message: 'the request body must be a JSON object' };
  const r = chatRequestSchema.safeParse(json);
  if (r.success) return { ok: true, body: r.data };
  const issue = r.error.issues[0];
  const param = fieldPath(issue.path);
  return { ok: false, param, message: `${param || 'body'}: ${issue.message}` };
}

const text = (c: string | { text: string }[]): string => (typeof c === 'string' ? c : c.map((p) => p.text).join(''));

export function toCompletionRequest(b: ChatRequestBody, signal?: AbortSignal): CompletionRequest {
  const messages: ChatMessage[] = b.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: text(m.content) }));
  let jsonSchema: JsonSchemaSpec | undefined;
  if (b.response_format?.type === 'json_schema') {
    const j = b.response_format.json_schema;
    jsonSchema = { name: j.name, schema: j.schema ?? {}, ...(j.strict != null ? { strict: j.strict } : {}) };
  } else if (b.response_format?.type === 'json_object') {
    jsonSchema = { name: 'json_object', schema: { type: 'object' } };
  }
  const req: CompletionRequest = { messages, signal };
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (b.stop != null) req.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  if (b.seed != null) req.seed = b.seed;
  if (jsonSchema) req.jsonSchema = jsonSchema;
  return req;
}
