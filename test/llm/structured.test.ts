import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/llm/create.js';
import { failure, harness } from './helpers.js';
import { z } from 'zod';
import { balancedEnd } from '../../src/llm/json-extract.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { completeJson, extractJson, newStructuredCounters } from '../../src/llm/structured.js';

const Verdict = z.object({ score: z.number().min(0).max(10), reasoning: z.string() });
const ask = { messages: [{ role: 'user' as const, content: 'Rate it.' }], temperature: 0 };

describe('JSON extraction', () => {
  it('finds the object behind prose, inside fences, with braces and quotes inside strings', () => {
    expect(extractJson('{"a": 1}')).toMatchObject({ ok: true, value: { a: 1 } });
    expect(extractJson('Sure! Here it is:\n```json\n{"a": {"b": [1, 2]}}\n```\nAnything else?')).toMatchObject({ ok: true, value: { a: { b: [1, 2] } } });
    const tricky = 'Result: {"reasoning": "use {x} and \\"}\\" carefully", "score": 7} -- done }';
    expect(extractJson(tricky)).toMatchObject({ ok: true, value: { reasoning: 'use {x} and "}" carefully', score: 7 } });
    // Braces in prose before the answer are skipped.
    expect(extractJson('I will use {braces} here. {"score": 3}')).toMatchObject({ ok: true, value: { score: 3 } });
    expect(extractJson('[1, 2]')).toMatchObject({ ok: false });
    expect(extractJson('[1, 2]', { arrays: true })).toMatchObject({ ok: true, value: [1, 2] });
  });
  it('says why nothing was found', () => {
    expect(extractJson('no json here')).toEqual({ ok: false, error: 'no JSON object found' });
    expect(extractJson('{"a": 1')).toEqual({ ok: false, error: 'the object opened at character 0 is never closed' });
    const r = extractJson("{'a': 1}");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('invalid JSON at character 0');
    expect(balancedEnd('{"a": "}"} tail', 0)).toBe(10);
    expect(balancedEnd('{[}]', 0)).toBe(-1);
  });
});

describe('completeJson', () => {
  it('returns a valid first answer and sends a JSON schema built from zod', async () => {
    const m = scriptedModel(['{"score": 8, "reasoning": "good"}']);
    const counters = newStructuredCounters();
    const r = await completeJson(m, ask, Verdict, { counters });
    expect(r).toEqual({ value: { score: 8, reasoning: 'good' }, raw: '{"score": 8, "reasoning": "good"}', attempts: 1 });
    expect(m.calls[0].jsonSchema?.name).toBe('answer');
    expect(m.calls[0].jsonSchema?.schema).toMatchObject({ type: 'object', properties: { score: { type: 'number' }, reasoning: { type: 'string' } } });
    expect(counters).toEqual({ requests: 1, parseFailures: 0, validationFailures: 0, repairs: 0, failures: 0 });
  });
  it('repairs bad JSON and a schema mismatch, showing the model its answer and the error', async () => {
    const m = scriptedModel(['Score: 8, because good', '{"score": "8", "reasoning": "good"}', '```json\n{"score": 8, "reasoning": "good"}\n```']);
    const counters = newStructuredCounters();
    const r = await completeJson(m, ask, Verdict, { counters });
    expect(r.value).toEqual({ score: 8, reasoning: 'good' });
    expect(r.attempts).toBe(3);
    expect(m.calls[1].messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Score: 8, because good' },
      { role: 'user', content: 'That answer could not be used (no JSON object found). Reply again with only the corrected JSON object, no other text.' },
    ]);
    expect(m.calls[2].messages[4].content).toContain('score: Invalid input: expected number, received string');
    expect(counters).toEqual({ requests: 1, parseFailures: 1, validationFailures: 1, repairs: 2, failures: 0 });
  });
  it('gives up after maxRepairs with MODEL_OUTPUT carrying the last raw answer, and counts it', async () => {
    const m = scriptedModel(['nope', 'still nope', '{"score": 11, "reasoning": "x"}']);
    const counters = newStructuredCounters();
    const e = await failure(completeJson(m, ask, Verdict, { counters, maxRepairs: 2 }));
    expect(e.code).toBe('MODEL_OUTPUT');
    expect(e.message).toContain('after 3 attempts');
    expect(e.message).toContain('score: Too big');
    expect(e.details?.raw).toBe('{"score": 11, "reasoning": "x"}');
    expect(counters).toEqual({ requests: 1, parseFailures: 2, validationFailures: 1, repairs: 2, failures: 1 });
    expect(m.calls).toHaveLength(3);
  });
  it('uses a given JSON schema as is', async () => {
    const m = scriptedModel(['{"score": 1, "reasoning": ""}']);
    const jsonSchema = { name: 'verdict', schema: { type: 'object' }, strict: true };
    await completeJson(m, ask, Verdict, { jsonSchema, maxRepairs: 0 });
    expect(m.calls[0].jsonSchema).toEqual(jsonSchema);
  });
});

describe('completeJson over real HTTP', () => {
  it('repairs through the OpenAI backend, sending the schema as response_format each time', async () => {
    const h = await harness(['Here you go: {"score": 7, "reasoning": "ok"', '{"score": 7, "reasoning": "ok"}']);
    try {
      const counters = newStructuredCounters();
      const r = await completeJson(createModel(h.spec()), ask, Verdict, { counters });
      expect(r).toMatchObject({ value: { score: 7, reasoning: 'ok' }, attempts: 2 });
      expect(h.model.calls.map((c) => c.jsonSchema?.name)).toEqual(['answer', 'answer']);
      expect(h.model.calls[1].messages.at(-1)!.content).toContain('the object opened at character 13 is never closed');
      expect(counters).toMatchObject({ parseFailures: 1, repairs: 1, failures: 0 });
    } finally {
      await h.server.close();
    }
  });
});
