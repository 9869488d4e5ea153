/**
 * TEMPORARY stand-in for `src/llm/structured.ts` (built in parallel; same signature). Delete once it lands.
 * Extracts the first JSON object of a reply, validates it with zod, and asks again (bounded) with the error.
 */
import type { z } from 'zod';
import { EpoError } from '../core/errors.js';
import type { ChatModel, CompletionRequest, JsonSchemaSpec } from './model.js';

export interface StructuredCounters {
  calls: number;
  repairs: number;
  failures: number;
}

export function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const src = fenced ? fenced[1] : text;
  const start = src.indexOf('{');
  if (start < 0) throw new Error('no JSON object found');
  let depth = 0, inStr = false, esc = false;
  for (let i = start; i < src.length; i++) {
    const ch = src[i];
    if (inStr) {
      if (esc) esc = false; else if (ch === '\\') esc = true; else if (ch === '"') inStr = false;
    } else if (ch === '"') inStr = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return JSON.parse(src.slice(start, i + 1));
  }
  throw new Error('unterminated JSON object');
}

export async function completeJson<T>(
  model: ChatModel, req: CompletionRequest, schema: z.ZodType<T>,
  opts: { maxRepairs?: number; jsonSchema?: JsonSchemaSpec; counters?: StructuredCounters } = {},
): Promise<{ value: T; raw: string; attempts: number }> {
  const maxRepairs = opts.maxRepairs ?? 2;
  const messages = [...req.messages];
  let lastError = '';
  if (opts.counters) opts.counters.calls++;
  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    const res = await model.complete({ ...req, messages, jsonSchema: opts.jsonSchema ?? req.jsonSchema });
    try {
      const r = schema.safeParse(extractJson(res.text));
      if (r.success) return { value: r.data, raw: res.text, attempts: attempt };
      lastError = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (attempt <= maxRepairs) {
      if (opts.counters) opts.counters.repairs++;
      messages.push({ role: 'assistant', content: res.text },
        { role: 'user', content: `That reply could not be used (${lastError}). Answer again with only the corrected JSON object.` });
    }
  }
  if (opts.counters) opts.counters.failures++;
  throw new EpoError('MODEL_OUTPUT', `no valid JSON after ${maxRepairs + 1} attempts: ${lastError}`, { where: model.spec });
}
