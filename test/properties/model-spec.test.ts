/**
 * Properties of the model spec parser (src/llm/spec.ts), which reads specs from flags, config files and stored runs:
 * any string gives a spec or a BAD_SPEC error, never a crash; a parsed spec satisfies its kind's invariants; a spec
 * written from its parts parses back to them; the public spec keeps every part but the secrets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpoError } from '../../src/core/errors.js';
import { REDACTED, isSecretParam } from '../../src/core/secrets.js';
import { OPENAI_BASE_URL, parseModelSpec, publicSpec, type ModelSpec } from '../../src/llm/spec.js';

const RUNS = { seed: 1414, numRuns: 300 } as const;

/** parseModelSpec, or the EpoError it threw; any other exception fails the property. */
function parse(spec: string): ModelSpec | EpoError {
  try {
    return parseModelSpec(spec, '--strategist');
  } catch (e) {
    expect(e, `threw ${String(e)}`).toBeInstanceOf(EpoError);
    return e as EpoError;
  }
}

const PIECES = ['openai:', 'local:', 'scripted:', 'http://', 'https://', 'HTTP://', '#', '?', '&', '=', '%', '%zz', '+', ':', '/', '//', '@',
  ' ', '\t', '\n', '\u3000', '[', ']', '127.0.0.1', 'localhost', ':8000', ':99999', '/v1', 'key_env=', 'header.X=', 'base_url=', '__proto__=', '\u0000', '\uD800'];
const mixed = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
), { maxLength: 12 }).map((p) => p.join(''));
/** Text as a user or a config file may put it in a spec flag: spec pieces and arbitrary characters, often after a kind. */
const specLike = fc.oneof(
  mixed,
  fc.tuple(fc.constantFrom('openai:', 'local:', 'scripted:'), mixed).map(([k, t]) => k + t),
  fc.tuple(fc.constantFrom('http://', 'https://', 'http://127.0.0.1:8000/v1'), mixed, mixed).map(([k, a, b]) => `${k}${a}#${b}`),
);

const WHITESPACE = /[\s\p{Cc}]/u;

/** The invariants every parsed spec keeps, per kind. */
function expectWellFormed(s: ModelSpec): void {
  for (const v of Object.values(s.options)) expect(typeof v).toBe('string');
  switch (s.kind) {
    case 'http':
      expect(s.baseURL).toMatch(/^https?:\/\//);
      expect(s.baseURL.endsWith('/')).toBe(false);
      // The base URL is used as written for requests, so it must be exactly what the URL parser accepted.
      expect(s.baseURL).not.toMatch(WHITESPACE);
      expect(() => new URL(s.baseURL)).not.toThrow();
      expect(s.model.length).toBeGreaterThan(0);
      expect(s.model).not.toContain('?');
      expect(s.keyEnv).toBe(s.options.key_env);
      break;
    case 'openai':
      expect(s.model.length).toBeGreaterThan(0);
      expect(s.model).not.toContain('?');
      expect(s.baseURL).toBe(s.options.base_url ?? OPENAI_BASE_URL);
      expect(s.keyEnv).toBe(s.options.key_env ?? 'OPENAI_API_KEY');
      break;
    case 'local':
      expect(s.path.length).toBeGreaterThan(0);
      expect(s.path).not.toContain('?');
      break;
    case 'scripted':
      expect(s.name.length).toBeGreaterThan(0);
      expect(s.name).not.toContain('?');
      break;
  }
}

describe('parseModelSpec on any text', () => {
  it('gives a well-formed spec or a BAD_SPEC error naming the flag, never a crash', () => {
    fc.assert(fc.property(specLike, (text) => {
      const r = parse(text);
      if (r instanceof EpoError) {
        expect(r.code).toBe('BAD_SPEC');
        expect(r.where).toBe('--strategist');
        expect(r.message).toMatch(/^invalid model spec .*Expected openai:<model>/s);
      } else {
        expectWellFormed(r);
      }
    }), RUNS);
  });

  it('ignores whitespace around the spec', () => {
    fc.assert(fc.property(specLike, fc.constantFrom(' ', '\t', '\n', ' \r\n '), (text, pad) => {
      const a = parse(text), b = parse(`${pad}${text}${pad}`);
      if (a instanceof EpoError) expect(b).toBeInstanceOf(EpoError);
      else expect(b).toEqual(a);
    }), RUNS);
  });
});

// --- Specs written from their parts -------------------------------------------------------------------------------

/** A name as the parser keeps it: no `?` (it starts the options), no whitespace at either end, not empty. */
const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .map((s) => s.replace(/\?/g, '').trim())
  .filter((s) => s.length > 0);
const optionName = fc.oneof(
  fc.constantFrom('key_env', 'timeout', 'retries', 'concurrency', 'json_mode', 'header.X-Team', 'header_env.X-Key', 'api_key', 'token', 'base_url'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
).filter((k) => k !== '__proto__'); // no option has that name, and the options object drops it
/** Option values: any text, escaped in the spec as a URL query. */
const options = fc.dictionary(optionName, fc.string({ unit: 'grapheme', maxLength: 10 }), { maxKeys: 4 });
const host = fc.oneof(fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'api.example.com'), fc.domain());
const baseURL = fc.tuple(fc.constantFrom('http', 'https'), host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  fc.array(fc.constantFrom('v1', 'api', 'openai', 'x-y', '%20'), { maxLength: 3 }))
  .map(([scheme, h, port, path]) => `${scheme}://${h}${port === undefined ? '' : `:${port}`}${path.map((p) => `/${p}`).join('')}`);

const spec: fc.Arbitrary<ModelSpec> = fc.oneof(
  fc.record({ baseURL, model: name, options }).map(({ baseURL: b, model, options: o }): ModelSpec => ({ kind: 'http', baseURL: b, model, keyEnv: o.key_env, options: o })),
  fc.record({ model: name, options }).map(({ model, options: o }): ModelSpec => ({ kind: 'openai', baseURL: o.base_url ?? OPENAI_BASE_URL, model, keyEnv: o.key_env ?? 'OPENAI_API_KEY', options: o })),
  fc.record({ path: name, options }).map(({ path, options: o }): ModelSpec => ({ kind: 'local', path, options: o })),
  fc.record({ name, options }).map(({ name: n, options: o }): ModelSpec => ({ kind: 'scripted', name: n, options: o })),
);

/** A spec string as the docs write one: the kind's head, then `?` and the options as a URL query. */
function format(s: ModelSpec): string {
  const query = Object.keys(s.options).length ? `?${new URLSearchParams(s.options).toString()}` : '';
  switch (s.kind) {
    case 'http': return `${s.baseURL}#${s.model}${query}`;
    case 'openai': return `openai:${s.model}${query}`;
    case 'local': return `local:${s.path}${query}`;
    case 'scripted': return `scripted:${s.name}${query}`;
  }
}

describe('parseModelSpec on specs written from their parts', () => {
  it('gives the parts back', () => {
    fc.assert(fc.property(spec, (s) => {
      const text = format(s);
      const got = parse(text);
      expect(got, text).toEqual(JSON.parse(JSON.stringify(s)));
    }), RUNS);
  });

  it('drops the trailing slashes of an HTTP base URL', () => {
    fc.assert(fc.property(baseURL, name, fc.integer({ min: 1, max: 3 }), (b, model, n) => {
      expect(parse(`${b}${'/'.repeat(n)}#${model}`)).toMatchObject({ kind: 'http', baseURL: b, model });
    }), RUNS);
  });

  it('publicSpec keeps every part but the secret option values, and is idempotent', () => {
    fc.assert(fc.property(spec, (s) => {
      const text = format(s);
      const pub = publicSpec(text);
      expect(publicSpec(pub)).toBe(pub);
      const got = parse(pub) as ModelSpec;
      const { options: o, ...rest } = JSON.parse(JSON.stringify(s)) as ModelSpec;
      const { options: po, ...prest } = got;
      expect(prest, pub).toEqual(rest);
      expect(Object.keys(po).sort()).toEqual(Object.keys(o).sort());
      for (const [k, v] of Object.entries(o)) expect([k, po[k]]).toEqual([k, isSecretParam(k) ? REDACTED : v]);
    }), RUNS);
  });
});

describe('worked examples the properties found', () => {
  it('refuses a base URL with whitespace in it, which the URL parser would have dropped silently', () => {
    for (const s of ['http://openai:\u0000#!', 'http://127.0.0.1:8000/v1 #m', 'http://127.0.0.1:8000/v\n1#m', 'http://local\thost/v1#m']) {
      expect(() => parseModelSpec(s, '--actor'), JSON.stringify(s)).toThrow(/is not a valid URL/);
    }
  });
});
