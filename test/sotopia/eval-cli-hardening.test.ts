/**
 * `epo eval sotopia` in process on the built-in tasks, where things go wrong: an evaluator that cannot score, a model
 * that is down for every episode, an output path that cannot be written, secrets inline in a spec, bad flags.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSotopia } from '../../src/cli/commands/eval-sotopia.js';
import { scriptedSotopiaModel } from '../../src/agents/sotopia/scripted.js';
import { EpoError } from '../../src/core/errors.js';
import { registerScriptedModel } from '../../src/llm/named-scripts.js';
import { startServer, type RunningServer } from '../../src/serve/openai-server.js';
import { RunStore } from '../../src/store/run-store.js';
import { captured, folderBytes } from '../helpers/output.js';

const calls = { down: 0, counted: 0 };
registerScriptedModel('test-down', (_o, spec) => ({ spec, complete: async () => { calls.down++; throw new EpoError('MODEL_HTTP', 'connection refused'); } }));
registerScriptedModel('test-nojudge', (_o, spec) => ({ spec, complete: async () => ({ text: 'I cannot score this.', usage: { promptTokens: 1, completionTokens: 1 }, finishReason: 'stop' }) }));
registerScriptedModel('test-counted', (_o, spec) => {
  const m = scriptedSotopiaModel({ leave: 2 }, spec);
  return { spec, complete: (req) => { calls.counted++; return m.complete(req); } };
});

async function epo(args: string[]) {
  const program = new Command('epo').enablePositionalOptions().exitOverride();
  registerSotopia(program);
  return captured(() => program.parseAsync(['node', 'epo', 'eval', 'sotopia', '--tasks', 'builtin', '--limit', '1', '--action-types', 'epo', ...args]));
}

describe('epo eval sotopia when things go wrong', () => {
  const runs = mkdtempSync(join(tmpdir(), 'sot-hard-'));
  const stored = (run: string) => {
    const st = RunStore.open(join(runs, run, 'epo.sqlite'));
    try { return [...st.episodes()]; } finally { st.close(); }
  };
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; process.env.EPO_LOG_LEVEL = 'info'; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; delete process.env.EPO_LOG_LEVEL; rmSync(runs, { recursive: true, force: true }); });

  it('prints "unevaluated" for an episode the evaluator could not score, not a goal of 0.0', async () => {
    const r = await epo(['--model', 'scripted:sotopia?leave=2', '--evaluator', 'scripted:test-nojudge', '--run', 'uneval']);
    expect(r.error).toBeUndefined();
    expect(r.err).toMatch(/\[1\/1\] \S+ left turns=\d+ goal\(tested\)=unevaluated/);
    expect(r.err).not.toMatch(/goal\(tested\)=0\.0/);
  });

  it('reports episodes that all failed, exits non-zero, and lets a run with nothing finished change its settings', async () => {
    const first = await epo(['--model', 'scripted:test-down', '--evaluator', 'scripted:sotopia', '--run', 'all-failed', '--max-turns', '6']);
    expect(first.error).toBeUndefined();
    expect(first.exitCode).toBe(1);
    expect(first.out).toMatch(/1 episode failed \(MODEL_HTTP\) and was not stored; re-run to retry them/);
    expect(stored('all-failed')).toEqual([]);
    const second = await epo(['--model', 'scripted:sotopia?leave=2', '--evaluator', 'scripted:sotopia', '--run', 'all-failed', '--max-turns', '8']);
    expect(second.error).toBeUndefined();
    expect(second.exitCode).toBeUndefined();
    expect(stored('all-failed')).toHaveLength(1);
    expect(readFileSync(join(runs, 'all-failed', 'log.jsonl'), 'utf8')).toMatch(/holds no finished episode: its configuration is replaced/);
    // with an episode stored, the configuration is fixed again
    const third = await epo(['--model', 'scripted:sotopia?leave=2', '--evaluator', 'scripted:sotopia', '--run', 'all-failed', '--max-turns', '9']);
    expect(String(third.error)).toMatch(/was started with a different configuration/);
  });

  it('checks --summary before any episode runs', async () => {
    const folder = join(runs, 'a-folder');
    mkdirSync(folder, { recursive: true });
    calls.counted = 0;
    const r = await epo(['--model', 'scripted:test-counted', '--evaluator', 'scripted:sotopia', '--run', 'summary', '--summary', folder]);
    expect(r.error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/--summary .*a-folder is a folder; give a file path/) });
    expect(calls.counted).toBe(0);
  });

  it('refuses out-of-range and non-integer counts, naming the flag and its range', async () => {
    const bad: [string[], RegExp][] = [
      [['--trials', '100000000'], /--trials must be a whole number from 1 to 10000, got "100000000"/],
      [['--max-turns', '1e20'], /--max-turns must be a whole number from 1 to 10000/],
      [['--timeout', '0'], /--timeout must be a number of seconds > 0 and ≤ 604800, got "0"/],
      [['--limit', '1e2'], /--limit must be a whole number from 1 to /],
      [['--concurrency', '0'], /--concurrency must be a whole number from 1 to 4096/],
      [['--temperature', '-1'], /--temperature must be a number from 0 to 2/],
    ];
    calls.down = 0;
    for (const [flags, message] of bad) {
      const r = await epo(['--model', 'scripted:test-down', '--evaluator', 'scripted:sotopia', '--run', 'flags', ...flags]);
      expect(String(r.error)).toMatch(message);
    }
    expect(calls.down).toBe(0);
  });

  describe('over HTTP', () => {
    let server: RunningServer;
    const headers: IncomingMessage['headers'][] = [];
    beforeAll(async () => { server = await startServer({ model: scriptedSotopiaModel({ leave: 2 }), name: 'm', faults: (_n, req) => { headers.push(req.headers); return undefined; } }); });
    afterAll(async () => { await server.close(); });

    it('keeps a secret written inline in a model spec out of the store, the summary, the log and the output, and still sends it', async () => {
      const secret = 'sk-sotopia-0123456789abcdef';
      const spec = `${server.baseURL}#m?header.X-Api-Key=${secret}`;
      const summary = join(runs, 'secret-summary.json');
      const r = await epo(['--model', spec, '--evaluator', spec, '--strategist', spec, '--run', 'secret', '--summary', summary]);
      expect(r.error).toBeUndefined();
      expect(headers.length).toBeGreaterThan(0);
      expect(headers.every((h) => h['x-api-key'] === secret)).toBe(true);
      expect(stored('secret')).toHaveLength(1);
      expect(JSON.parse(readFileSync(summary, 'utf8')).models.actor.spec).toBe(`${server.baseURL}#m?header.X-Api-Key=[REDACTED]`);
      for (const [where, text] of [['run folder', folderBytes(join(runs, 'secret'))], ['--summary', readFileSync(summary, 'latin1')], ['stdout', r.out], ['stderr', r.err]]) {
        expect(text.includes(secret), `${where} holds the secret`).toBe(false);
      }
    });
  });
});
