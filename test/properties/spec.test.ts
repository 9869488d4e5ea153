/**
 * Properties of model spec strings (src/llm/spec.ts) and of keeping secrets out of them (src/core/secrets.ts redact,
 * publicSpec, src/llm/openai.ts openAIOptionsFromSpec): any string is a spec or a BAD_SPEC EpoError, never another
 * crash; a spec built from parts parses to those parts; secrets never survive redaction, nor reach a spec or its errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EpoError } from '../../src/core/errors.js';
import { redact, secretValues } from '../../src/core/secrets.js';
import { openAIOptionsFromSpec } from '../../src/llm/openai.js';
import { OPENAI_BASE_URL, parseModelSpec, publicSpec } from '../../src/llm/spec.js';
import { messyText, onlyEpoError, RUNS } from './arbitraries.js';

const PREFIXES = ['', 'openai:', 'local:', 'scripted:', 'http://', 'https://', 'http://127.0.0.1:8000/v1#', 'OpenAI:', ' openai:', 'ftp:'];

/** A name as users write them: any text without "?" (which starts the options), trimmed, not empty. */
const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => s.replace(/\?/g, '').trim()).filter((s) => s.length > 0);
const optionText = (min: number) => fc.oneof(fc.string({ unit: 'grapheme', minLength: min, maxLength: 8 }), fc.constantFrom(' a', 'b ', 'x y', '?', '#', '&=', '%20', '+'));
const options = fc.dictionary(fc.oneof(optionText(1), fc.constantFrom('key_env', 'base_url', 'header.X-Team')), optionText(0), { maxKeys: 4 });
const query = (o: Record<string, string>) => (Object.keys(o).length ? `?${new URLSearchParams(o)}` : '');

describe('model spec parsing', () => {
  it('any string is a spec or a BAD_SPEC error that quotes it, never another crash', () => {
    fc.assert(fc.property(fc.constantFrom(...PREFIXES), messyText, (prefix, rest) => {
      const r = onlyEpoError(() => parseModelSpec(prefix + rest));
      if (r instanceof EpoError) {
        expect(r.code).toBe('BAD_SPEC');
        expect(r.message).toContain(`invalid model spec "${publicSpec(prefix + rest)}"`);
      } else {
        expect(['openai', 'http', 'local', 'scripted']).toContain(r.kind);
      }
    }), RUNS);
  });

  it('openai:, local: and scripted: specs built from parts parse to those parts', () => {
    fc.assert(fc.property(fc.constantFrom('openai', 'local', 'scripted'), name, options, (kind, n, o) => {
      const s = parseModelSpec(`${kind}:${n}${query(o)}`);
      expect(s.options).toEqual(o);
      if (s.kind === 'openai') expect(s).toMatchObject({ model: n, baseURL: o.base_url ?? OPENAI_BASE_URL, keyEnv: o.key_env ?? 'OPENAI_API_KEY' });
      else if (s.kind === 'local') expect(s.path).toBe(n);
      else expect(s).toMatchObject({ kind: 'scripted', name: n });
    }), RUNS);
  });

  it('http(s) specs built from parts parse to those parts', () => {
    const path = fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,6}$/), { maxLength: 3 }).map((p) => p.map((x) => `/${x}`).join(''));
    const url = fc.record({
      scheme: fc.constantFrom('http', 'https'), host: fc.constantFrom('127.0.0.1', 'localhost', 'gpu-box.lan', '[::1]'),
      port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), path, slash: fc.constantFrom('', '/', '//'),
    }).map((u) => ({ base: `${u.scheme}://${u.host}${u.port ? `:${u.port}` : ''}${u.path}`, slash: u.slash }));
    fc.assert(fc.property(url, name, options, (u, model, o) => {
      const s = parseModelSpec(`${u.base}${u.slash}#${model}${query(o)}`);
      expect(s).toEqual({ kind: 'http', baseURL: u.base, model, keyEnv: o.key_env, options: o });
    }), RUNS);
  });
});

/** Secrets as providers issue them (the ones redact knows: 8 characters or more in a secret-looking variable). */
const secret = fc.stringMatching(/^[A-Za-z0-9_.~+/=-]{8,24}$/);
const secretName = fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), fc.constantFrom('_API_KEY', '_TOKEN', '_SECRET', '_PASSWORD', 'KEY'))
  .map(([a, b]) => a + b);

describe('the base URL of an HTTP spec', () => {
  it('is the URL as the URL parser reads it: no trailing slash, no space or control character it would drop', () => {
    const head = fc.constantFrom('http://', 'https://', 'http://127.0.0.1:8000/v1');
    fc.assert(fc.property(head, messyText, messyText, (h, a, b) => {
      const r = onlyEpoError(() => parseModelSpec(`${h}${a}#${b}`));
      if (r instanceof EpoError || r.kind !== 'http') return;
      expect(r.baseURL.endsWith('/')).toBe(false);
      expect(r.baseURL).not.toMatch(/[\s\p{Cc}]/u);
      expect(new URL(r.baseURL).protocol).toMatch(/^https?:$/);
    }), RUNS);
  });

  it('with a space or control character in it is refused (the URL parser would drop it, requests would not)', () => {
    for (const s of ['http://openai:\u0000#!', 'http://127.0.0.1:8000/v1 #m', 'http://127.0.0.1:8000/v\n1#m', 'http://local\thost/v1#m']) {
      expect(() => parseModelSpec(s, '--actor'), JSON.stringify(s)).toThrow(/is not a valid URL: it holds a space or control character/);
    }
  });
});

describe('secrets are kept out', () => {
  it('redaction removes every secret wherever it stands in the text', () => {
    const env = fc.dictionary(secretName, secret, { minKeys: 1, maxKeys: 3 });
    fc.assert(fc.property(env, fc.array(messyText, { minLength: 1, maxLength: 4 }), (vars, parts) => {
      const values = Object.values(vars);
      const text = parts.map((p, i) => p + values[i % values.length]).join('');
      const out = redact(text, secretValues(vars));
      for (const v of values) expect(out).not.toContain(v);
    }), RUNS);
  });

  it('a secret that holds another secret is redacted whole, not around the shorter one', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/);
    const nested = fc.record({ inner: secret, pre: part, suf: part, innerFirst: fc.boolean() }).filter((n) => n.pre.length + n.suf.length > 0);
    fc.assert(fc.property(nested, messyText, messyText, (n, before, after) => {
      const outer = n.pre + n.inner + n.suf;
      fc.pre(!`${before}${after}`.includes(n.inner.slice(0, 4)));
      const env = n.innerFirst ? { INNER_KEY: n.inner, OUTER_KEY: outer } : { OUTER_KEY: outer, INNER_KEY: n.inner };
      expect(redact(`${before}${outer}${after}`, secretValues(env))).toBe(`${before}[REDACTED]${after}`);
    }), RUNS);
  });

  it('a bearer token in a header line is redacted even when no variable holds it', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,40}$/);
    fc.assert(fc.property(messyText, token, messyText, (before, t, after) => {
      fc.pre(!before.includes(t) && !after.includes(t));
      expect(redact(`${before}Authorization: Bearer ${t}${after}`, [])).not.toContain(t);
    }), RUNS);
  });

  it('a key or header taken from the environment never appears in the spec or in its errors', () => {
    const spec = fc.record({
      base: fc.constantFrom('openai:gpt-4o-mini', 'http://127.0.0.1:8000/v1#m'), key: secret, header: secret,
      keySet: fc.boolean(), extra: fc.constantFrom('', '&timeout=30', '&colour=blue', '&timeout=soon', '&json_mode=xml'),
    });
    fc.assert(fc.property(spec, (p) => {
      const text = `${p.base}?key_env=EPO_P_KEY&header_env.X-Team=EPO_P_HEADER${p.extra}`;
      const env = { EPO_P_HEADER: p.header, ...(p.keySet ? { EPO_P_KEY: p.key } : {}) };
      const parsed = parseModelSpec(text);
      if (parsed.kind !== 'openai' && parsed.kind !== 'http') throw new Error(`unexpected kind ${parsed.kind}`);
      const r = onlyEpoError(() => openAIOptionsFromSpec(parsed, text, env));
      const shown = r instanceof EpoError ? `${r.message} ${r.where} ${JSON.stringify(r.details ?? {})}` : r.spec;
      expect(shown).not.toContain(p.key);
      expect(shown).not.toContain(p.header);
      if (!(r instanceof EpoError)) expect(r).toMatchObject({ apiKey: p.key, headers: { 'X-Team': p.header } });
    }), RUNS);
  });
});

/** A secret written inline in a spec, raw or encoded, in a parameter, a header or the URL's password. */
const inlineSecret = fc.record({
  value: fc.stringMatching(/^[A-Za-z0-9_.~+/=%!@#-]{8,20}$/),
  param: fc.constantFrom('header.Authorization', 'header.X-Api-Key', 'api_key', 'token', 'password', 'client_secret', 'auth'),
  encoded: fc.boolean(),
  inUrl: fc.boolean(),
  base: fc.constantFrom('openai:gpt-4o-mini', 'http://127.0.0.1:8000/v1#m', 'https://gpu-box.lan/v1#Qwen2.5-7B'),
  plain: fc.dictionary(fc.constantFrom('timeout', 'key_env', 'header_env.X-Team', 'json_mode', 'retries', 'colour'), fc.stringMatching(/^[a-z0-9_]{1,6}$/), { maxKeys: 3 }),
}).map((p) => {
  const secretPart = p.encoded ? new URLSearchParams({ [p.param]: p.value }).toString() : `${p.param}=${p.value.replace(/&/g, '')}`;
  const value = p.encoded ? p.value : p.value.replace(/&/g, '');
  // in the URL, a password written as is may hold "@" (URL parsers take the last one), never "/", "#" or "?"
  const password = p.encoded ? encodeURIComponent(value) : value.replace(/[/#?]/g, '');
  const base = p.inUrl && p.base.startsWith('http') ? p.base.replace('://', `://user:${password}@`) : p.base;
  const plain = new URLSearchParams(p.plain).toString();
  return { spec: `${base}?${[plain, secretPart].filter(Boolean).join('&')}`, value: p.inUrl && !p.encoded && p.base.startsWith('http') ? password : value, plain: p.plain, secretPart };
});
/** The forms a secret can take in text: as written, and encoded for a URL. */
const forms = (v: string) => [...new Set([v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)])];

describe('the public spec (inline secrets redacted)', () => {
  it('holds no inline secret, and parses to the same model with the other options as written', () => {
    fc.assert(fc.property(inlineSecret, (x) => {
      const shown = publicSpec(x.spec);
      for (const f of forms(x.value)) expect(shown).not.toContain(f);
      const [a, b] = [parseModelSpec(x.spec), parseModelSpec(shown)];
      expect(b.kind).toBe(a.kind);
      if ((a.kind === 'http' || a.kind === 'openai') && (b.kind === 'http' || b.kind === 'openai')) expect(b.model).toBe(a.model);
      for (const [k, v] of Object.entries(x.plain)) expect(b.options[k]).toBe(v);
    }), RUNS);
  });

  it('is idempotent, and changes nothing in a spec without secrets', () => {
    fc.assert(fc.property(inlineSecret, fc.constantFrom('openai', 'local', 'scripted'), name, options, (x, kind, n, o) => {
      expect(publicSpec(publicSpec(x.spec))).toBe(publicSpec(x.spec));
      const clean = Object.fromEntries(Object.entries(o).filter(([k]) => !/(key|token|secret|password|passwd|pwd|credentials?|auth|authorization|signature|sig)$/i.test(k) && !/^header\./i.test(k)));
      const spec = `${kind}:${n}${query(clean)}`;
      expect(publicSpec(spec)).toBe(spec);
    }), RUNS);
  });

  it('a spec with an inline secret that fails to parse or to build is refused without the secret', () => {
    const breakIt = fc.constantFrom((s: string) => s.replace('#', '#?'), (s: string) => s.replace(/:\/\/[^/]*/, '://bad host'), (s: string) => `${s}&timeout=soon`, (s: string) => `${s}&json_mode=xml`, (s: string) => `${s}&colour=blue`);
    fc.assert(fc.property(inlineSecret, breakIt, (x, f) => {
      const broken = f(x.spec);
      const r = onlyEpoError(() => {
        const p = parseModelSpec(broken);
        return p.kind === 'openai' || p.kind === 'http' ? openAIOptionsFromSpec(p, broken, {}) : p;
      });
      const shown = r instanceof EpoError ? `${r.message} ${r.where}` : JSON.stringify(r);
      if (r instanceof EpoError) for (const v of forms(x.value)) expect(shown).not.toContain(v);
    }), RUNS);
  });

  it('redaction removes an inline secret from a spec quoted in free text', () => {
    const quote = fc.constantFrom(['', ''], ['"', '"'], ["'", "'"], ['(', ')']);
    fc.assert(fc.property(inlineSecret, messyText, quote, messyText, (x, before, [a, b], after) => {
      fc.pre(!/[\s"'\\]/.test(x.value));
      const out = redact(`${before} ${a}${x.spec}${b} ${after}`, []);
      for (const v of forms(x.value)) expect(out).not.toContain(v);
    }), RUNS);
  });

  it('an Authorization header written inline with its Bearer token is redacted in free text too', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,30}$/), fc.constantFrom(' ', '+', '%20'), messyText, (token, space, after) => {
      const out = redact(`model spec http://h/v1#m?header.Authorization=Bearer${space}${token} ${after}`, []);
      expect(out).not.toContain(token);
    }), RUNS);
  });
});

describe('defects the properties found', () => {
  it('a key that extends another key is redacted whole', () => {
    const env = { EPO_A_API_KEY: 'sk-test-12345678', EPO_B_API_KEY: 'sk-test-12345678-wrong' };
    expect(redact('rejected key sk-test-12345678-wrong', secretValues(env))).toBe('rejected key [REDACTED]');
  });
});

describe('inline spec secrets: defects the properties found', () => {
  it('a "#" inside a secret option value does not end the value', () => {
    expect(publicSpec('openai:gpt-4o-mini?header.Authorization=ab#cdefgh')).toBe('openai:gpt-4o-mini?header.Authorization=[REDACTED]');
    expect(publicSpec('http://h:8000/v1#m?api_key=ab#cdefgh&timeout=30')).toBe('http://h:8000/v1#m?api_key=[REDACTED]&timeout=30');
    expect(publicSpec('http://h:8000/v1?api_key=abcdefgh#m')).toBe('http://h:8000/v1?api_key=[REDACTED]#m');
  });
  it('a Bearer token written inline after a space is redacted in free text', () => {
    expect(redact('bad spec http://h/v1#m?header.Authorization=Bearer sk-abcdefgh1234 (check it)', [])).not.toContain('sk-abcdefgh1234');
  });
});
describe('passwords in the URL: defects the properties found', () => {
  it('a password holding a raw "@" is redacted whole', () => {
    expect(publicSpec('http://me:p@ssword1@host:8000/v1#m')).toBe('http://me:[REDACTED]@host:8000/v1#m');
    expect(publicSpec('http://user:@a~~a0@127.0.0.1:8000/v1#m')).toBe('http://user:[REDACTED]@127.0.0.1:8000/v1#m');
  });
});
