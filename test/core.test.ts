import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYamlFile } from '../src/config/load.js';
import { createRng, deriveSeed, hashString } from '../src/core/random.js';
import { redact } from '../src/core/secrets.js';
import { parseModelSpec } from '../src/llm/spec.js';
import { scriptedModel } from '../src/llm/scripted.js';

describe('seeded random numbers', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('hashes strings with FNV-1a', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(deriveSeed(1, 'task', 0)).toBe(deriveSeed(1, 'task', 0));
    expect(deriveSeed(1, 'task', 0)).not.toBe(deriveSeed(1, 'task', 1));
  });
  it('shuffles deterministically and keeps every item', () => {
    const s = createRng(7).shuffle([1, 2, 3, 4, 5, 6]);
    expect(createRng(7).shuffle([1, 2, 3, 4, 5, 6])).toEqual(s);
    expect([...s].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('model specs', () => {
  it('parses every kind', () => {
    expect(parseModelSpec('openai:gpt-4o-mini')).toMatchObject({ kind: 'openai', model: 'gpt-4o-mini', baseURL: 'https://api.openai.com/v1', keyEnv: 'OPENAI_API_KEY' });
    expect(parseModelSpec('http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct')).toMatchObject({ kind: 'http', baseURL: 'http://127.0.0.1:8000/v1', model: 'Qwen2.5-7B-Instruct' });
    expect(parseModelSpec('http://h:1/v1/#m?key_env=VLLM_KEY&timeout=30')).toMatchObject({ baseURL: 'http://h:1/v1', model: 'm', keyEnv: 'VLLM_KEY', options: { timeout: '30' } });
    expect(parseModelSpec('local:./runs/x/ckpt')).toMatchObject({ kind: 'local', path: './runs/x/ckpt' });
    expect(parseModelSpec('scripted:walkthrough')).toMatchObject({ kind: 'scripted', name: 'walkthrough' });
  });
  it('rejects bad specs with a reason and a place', () => {
    expect(() => parseModelSpec('', '--actor')).toThrow(/empty.*at --actor/s);
    expect(() => parseModelSpec('gpt-4o')).toThrow(/no kind prefix/);
    expect(() => parseModelSpec('http://127.0.0.1:8000/v1')).toThrow(/#<model name>/);
    expect(() => parseModelSpec('foo:bar')).toThrow(/unknown kind "foo"/);
    expect(() => parseModelSpec('openai:')).toThrow(/nothing follows/);
  });
});

describe('scripted model', () => {
  it('answers in order, applies stop strings, and fails past the end', async () => {
    const m = scriptedModel(['Thought: a\nObservation: x', 'Action: b']);
    expect((await m.complete({ messages: [], stop: ['\nObservation:'] })).text).toBe('Thought: a');
    expect((await m.complete({ messages: [] })).text).toBe('Action: b');
    await expect(m.complete({ messages: [] })).rejects.toThrow(/only 2 answers/);
  });
});

describe('config files', () => {
  it('name the file and line of invalid YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-cfg-'));
    const f = join(dir, 'c.yaml');
    writeFileSync(f, 'name: [a\n');
    expect(() => readYamlFile(f)).toThrow(/invalid YAML.*c\.yaml:\d/s);
    expect(() => readYamlFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config file.*missing\.yaml/s);
  });
});

describe('secrets', () => {
  it('redacts values of secret environment variables and bearer tokens', () => {
    expect(redact('key=sk-abcdefgh123 ok', ['sk-abcdefgh123'])).toBe('key=[REDACTED] ok');
    expect(redact('Authorization: Bearer abcdefghijkl', [])).toBe('Authorization: Bearer [REDACTED]');
  });
});
