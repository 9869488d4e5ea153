/** `epo proxy` as users start it: a child process, a request, SIGHUP reloads the strategist, SIGTERM stores the open session. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/run-store.js';
import { spawnCli } from '../helpers/eval-cli.js';
import { epo } from '../helpers/store-cli.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { post } from './proxy-helpers.js';

let upstream: FakeUpstream | undefined;
afterAll(async () => { await upstream?.close(); });

describe('epo proxy (command)', () => {
  it('prints where it listens, forwards, reloads on SIGHUP, and stores the open session on SIGTERM', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'epo-proxy-cli-'));
    upstream = await startFakeUpstream();
    const child = spawnCli(['proxy', '--upstream', upstream.spec, '--strategist', 'scripted:echo', '--port', '0', '--run', 'cli'], { EPO_RUNS_DIR: runs });
    let out = '', err = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!/at (http:\S+\/v1)/.test(out) && child.exitCode === null) await new Promise((z) => setTimeout(z, 20));
    const base = /at (http:\S+\/v1)/.exec(out)?.[1];
    expect(base, err).toBeDefined();
    const res = await post(`${base}/chat/completions`, { model: 'fake-model', messages: [{ role: 'user', content: 'Hello there.' }] });
    expect(res.status).toBe(200);
    expect(String((upstream.received[0].body.messages as { content: string }[])[0].content)).toContain('Strategy for your next step');
    child.kill('SIGHUP');
    while (!err.includes('SIGHUP:') && child.exitCode === null) await new Promise((z) => setTimeout(z, 20));
    expect(err).toContain('SIGHUP: strategist scripted:echo loaded');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const store = RunStore.open(join(runs, 'cli', 'epo.sqlite'));
    const episodes = [...store.episodes()];
    expect(store.getMeta('proxy')).toMatchObject({ strategist: 'scripted:echo', inject: 'system' });
    store.close();
    expect(episodes.map((e) => [e.env, e.outcome.reason, e.turns.length])).toEqual([['proxy', 'shutdown', 1]]);
    process.env.EPO_RUNS_DIR = runs;
    const report = await epo(['runs', 'report', '--run', 'cli']);
    delete process.env.EPO_RUNS_DIR;
    expect(report.out).toMatch(/^A\s+1\s+0\s+n\/a/m);
  });

  it('checks its settings before starting, making no run folder', async () => {
    process.env.EPO_RUNS_DIR = mkdtempSync(join(tmpdir(), 'epo-proxy-cli-'));
    const bad = await epo(['proxy', '--upstream', 'local:/x', '--strategist', 'scripted:echo', '--port', '0']);
    expect(bad.err).toMatch(/the upstream must be an OpenAI-compatible endpoint/);
    const split = await epo(['proxy', '--upstream', 'http://127.0.0.1:9/v1#m', '--strategist', 'scripted:echo', '--split', '2']);
    expect(split.err).toMatch(/split/);
    const printed = await epo(['proxy', '--upstream', 'http://127.0.0.1:9/v1#m', '--strategist', 'scripted:echo', '--print-config']);
    expect(printed.out).toContain('upstream: http://127.0.0.1:9/v1#m');
    expect(printed.code).toBe(0);
    expect(readdirSync(process.env.EPO_RUNS_DIR)).toEqual([]);
    delete process.env.EPO_RUNS_DIR;
  });
});
