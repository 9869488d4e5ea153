/**
 * Structured output: ask for JSON matching a zod schema, extract it from whatever the model wrote, validate it, and
 * when it fails show the model its answer and the error and ask again (a bounded number of repairs). Every failure
 * is counted, so a run can report how often a judge or evaluator needed repairs or gave up.
 */
import { z } from 'zod';
import { EpoError } from '../core/errors.js';
import { extractJson } from './json-extract.js';
import type { ChatModel, CompletionRequest, JsonSchemaSpec } from './model.js';

export { extractJson } from './json-extract.js';

export interface StructuredCounters {
  /** Calls of completeJson. */
  requests: number;
  /** Answers with no parsable JSON. */
  parseFailures: number;
  /** Answers whose JSON did not match the schema. */
  validationFailures: number;
  /** Extra requests made to repair a bad answer. */
  repairs: number;
  /** Calls that ended without a valid value (EpoError MODEL_OUTPUT). */
  failures: number;
}

export const newStructuredCounters = (): StructuredCounters => ({ requests: 0, parseFailures: 0, validationFailures: 0, repairs: 0, failures: 0 });

/** Zod issues as one line naming each field, e.g. `scores.goal: expected number, received string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => {
    const path = i.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join('');
    return path ? `${path}: ${i.message}` : i.message;
  }).join('; ');
}

/** A JSON schema for the request, generated from zod when possible (servers that support it constrain decoding). */
function schemaFor(schema: z.ZodType): JsonSchemaSpec | undefined {
  try {
    const { $schema: _s, ...json } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
    return { name: 'answer', schema: json };
  } catch {
    return undefined;
  }
}

function repairInstruction(error: string): string {
  return `That answer could not be used (${error}). Reply again with only the corrected JSON object, no other text.`;
}

export async function completeJson<T>(
  model: ChatModel,
  req: CompletionRequest,
  schema: z.ZodType<T>,
  opts: { maxRepairs?: number; jsonSchema?: JsonSchemaSpec; counters?: StructuredCounters; /** send no schema (`response_format`): a protocol that asks in words only */ plain?: boolean } = {},
): Promise<{ value: T; raw: string; attempts: number }> {
  const maxRepairs = opts.maxRepairs ?? 2;
  const c = opts.counters;
  if (c) c.requests++;
  const jsonSchema = opts.plain ? undefined : opts.jsonSchema ?? req.jsonSchema ?? schemaFor(schema);
  const messages = [...req.messages];
  let raw = '';
  let error = '';
  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    if (attempt > 1 && c) c.repairs++;
    raw = (await model.complete({ ...req, messages: [...messages], jsonSchema })).text;
    const found = extractJson(raw);
    if (!found.ok) {
      if (c) c.parseFailures++;
      error = found.error;
    } else {
      const parsed = schema.safeParse(found.value);
      if (parsed.success) return { value: parsed.data, raw, attempts: attempt };
      if (c) c.validationFailures++;
      error = `it does not match the schema: ${describeIssues(parsed.error)}`;
    }
    messages.push({ role: 'assistant', content: raw }, { role: 'user', content: repairInstruction(error) });
  }
  if (c) c.failures++;
  throw new EpoError('MODEL_OUTPUT', `model ${model.spec} gave no valid JSON after ${maxRepairs + 1} attempts: ${error}`, {
    details: { raw, attempts: maxRepairs + 1, error },
  });
}
