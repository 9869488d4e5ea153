/** The API key must never reach a log, the cache, the run store, an export or an error message. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeError, type EpoError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import { ResponseCache } from '../../src/llm/cache.js';
import { createModel } from '../../src/llm/create.js';
import { modelRef, publicSpec } from '../../src/llm/spec.js';
import { UsageMeter } from '../../src/llm/usage.js';
import { exportEpisodes } from '../../src/store/jsonl.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeEpisode } from '../helpers/episodes.js';
import { harness, recordingSleep, failure } from './helpers.js';

const KEY = `sk-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}-secret`;

describe('secrets stay secret', () => {
  const previous = process.env.EPO_TEST_API_KEY;
  afterAll(() => { if (previous === undefined) delete process.env.EPO_TEST_API_KEY; else process.env.EPO_TEST_API_KEY = previous; });

  it('keeps the key out of logs, the cache, the store, the export and errors', async () => {
    process.env.EPO_TEST_API_KEY = KEY;
    const dir = mkdtempSync(join(tmpdir(), 'epo-secret-'));
    // The server checks the bearer token and, on request 2 (the second to reach it), echoes it back in an error like a careless proxy.
    const h = await harness(['{"score": 4}'], {
      token: KEY,
      faults: (n, req) => (n === 2 ? { kind: 'status', status: 500, message: `upstream rejected ${req.headers.authorization}` } : undefined),
    });
    const logFile = join(dir, 'log.jsonl');
    const logger = createLogger({ file: logFile, quiet: true });
    const cache = new ResponseCache({ path: join(dir, 'llm-cache.sqlite') });
    const meter = new UsageMeter();
    const spec = h.spec('key_env=EPO_TEST_API_KEY');
    expect(spec).not.toContain(KEY);
    const model = createModel(spec, { logger, cache, usage: { meter, role: 'judge' }, retry: { retries: 0 } });
    const ok = await model.complete({ messages: [{ role: 'user', content: 'rate' }], temperature: 0 });
    expect(ok.text).toBe('{"score": 4}');
    expect((await model.complete({ messages: [{ role: 'user', content: 'rate' }], temperature: 0 })).cached).toBe(true);

    const errors: string[] = [];
    const failing = await failure(model.complete({ messages: [{ role: 'user', content: 'again' }], temperature: 0 }));
    expect(failing).toMatchObject({ code: 'MODEL_HTTP' });
    errors.push((failing as EpoError).message, describeError(failing), JSON.stringify((failing as EpoError).details));
    expect((failing as EpoError).message).toContain('upstream rejected Bearer [REDACTED]');

    // A wrong key: the 401 path, with retries that would log each attempt.
    process.env.EPO_TEST_WRONG_KEY = `${KEY}-wrong`;
    const wrong = createModel(h.spec('key_env=EPO_TEST_WRONG_KEY'), { logger, retry: { sleep: recordingSleep().sleep } });
    const unauthorized = await failure(wrong.complete({ messages: [{ role: 'user', content: 'x' }] }));
    delete process.env.EPO_TEST_WRONG_KEY;
    expect((unauthorized as EpoError).details?.status).toBe(401);
    errors.push((unauthorized as EpoError).message);

    const storePath = join(dir, 'run', 'epo.sqlite');
    const store = RunStore.open(storePath);
    store.putEpisode(makeEpisode(1, { models: { judge: { spec, temperature: 0 } }, error: describeError(failing) }));
    const exportPath = join(dir, 'episodes.jsonl');
    await exportEpisodes(store, exportPath);
    store.close();
    cache.close();

    const files = [logFile, exportPath, storePath, `${storePath}-wal`, join(dir, 'llm-cache.sqlite'), join(dir, 'llm-cache.sqlite-wal')].filter(existsSync);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(KEY)), `${f} holds the key`).toBe(false);
    }
    for (const e of errors) expect(e).not.toContain(KEY);
    // The log did record the calls and the failure.
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('"msg":"model call"');
    expect(log).toContain('"msg":"model call failed"');
    expect(readFileSync(exportPath, 'utf8')).toContain('key_env=EPO_TEST_API_KEY');
    expect(meter.totals()[0]).toMatchObject({ role: 'judge', calls: 2, cachedCalls: 1 });
    await h.server.close();
  });

  it('redacts the key in errors even when its variable name does not look secret', async () => {
    const cred = `cred-${Math.random().toString(36).slice(2)}-0123456789`;
    const h = await harness(['x'], { token: cred, faults: (_n, req) => ({ kind: 'status', status: 500, message: `token was ${req.headers.authorization!.slice(7)}` }) });
    try {
      const m = createModel(h.spec('key_env=EPO_TEST_CRED'), { env: { EPO_TEST_CRED: cred }, retry: false });
      const e = await failure(m.complete({ messages: [{ role: 'user', content: 'x' }] }));
      expect(e.message).toMatch(/token was \[REDACTED\] \(at /);
      expect(e.message).not.toContain(cred);
    } finally {
      await h.server.close();
    }
  });

  it('publicSpec redacts every header value and key-like parameter of a spec, keeping the rest byte for byte', () => {
    const cases: [string, string][] = [
      ['http://h:1/v1#m?header.X-Api-Key=abc%20123&timeout=3&header.X-Team=epo', 'http://h:1/v1#m?header.X-Api-Key=[REDACTED]&timeout=3&header.X-Team=[REDACTED]'],
      ['openai:gpt-4o?key_env=MY_KEY&api_key=sk-1&token=t&password=p&client_secret=s', 'openai:gpt-4o?key_env=MY_KEY&api_key=[REDACTED]&token=[REDACTED]&password=[REDACTED]&client_secret=[REDACTED]'],
      ['http://user:pa55@h/v1#m', 'http://user:[REDACTED]@h/v1#m'],
      ['http://h/v1?key=k1#m?header_env.Authorization=AUTH_VAR', 'http://h/v1?key=[REDACTED]#m?header_env.Authorization=AUTH_VAR'],
      ['http://h/v1#m?header.Authorization=Bearer abc def', 'http://h/v1#m?header.Authorization=[REDACTED]'],
      ['scripted:sotopia?goal=7&leave=2', 'scripted:sotopia?goal=7&leave=2'],
      ['local:./runs/x/checkpoint', 'local:./runs/x/checkpoint'],
    ];
    for (const [spec, shown] of cases) expect(publicSpec(spec), spec).toBe(shown);
    expect(publicSpec(publicSpec(cases[0][0]))).toBe(cases[0][1]);
    expect(modelRef(cases[0][0], { temperature: 0 })).toEqual({ spec: cases[0][1], temperature: 0 });
  });

  it('the logger redacts inline spec secrets wherever they appear (defence in depth)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-secret-log-'));
    const file = join(dir, 'log.jsonl');
    const log = createLogger({ file, quiet: true });
    log.warn('call failed for http://h/v1#m?header.X-Api-Key=sk-log-0123456789&timeout=3', { spec: 'http://u:pw-0123456789@h/v1#m?api_key=sk-field-0123456789' });
    const text = readFileSync(file, 'utf8');
    for (const secret of ['sk-log-0123456789', 'pw-0123456789', 'sk-field-0123456789']) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ msg: 'call failed for http://h/v1#m?header.X-Api-Key=[REDACTED]&timeout=3', spec: 'http://u:[REDACTED]@h/v1#m?api_key=[REDACTED]' });
  });
});
