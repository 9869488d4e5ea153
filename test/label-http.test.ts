import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerLabel } from '../src/cli/commands/label.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { startServer } from '../src/serve/openai-server.js';
import { RunStore } from '../src/store/run-store.js';
import { chatEpisode } from './helpers/strategist-episodes.js';
import { folderBytes } from './helpers/output.js';

describe('epo label --judge over a real OpenAI-compatible server', () => {
  afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

  it('labels every episode, repairs a bad answer, resumes without asking again, and reuses the cache with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-label-'));
    vi.stubEnv('EPO_RUNS_DIR', join(dir, 'runs'));
    vi.stubEnv('EPO_LLM_CACHE', join(dir, 'cache.sqlite'));
    const store = RunStore.open(join(dir, 'runs', 'r', 'epo.sqlite'));
    store.putEpisodes([chatEpisode({ taskId: 'a', turns: 3 }), chatEpisode({ taskId: 'b', turns: 3, outcome: 0 }), chatEpisode({ taskId: 'c', turns: 2 })]);
    store.close();
    // The judge: for task b it first answers without JSON (then is repaired); otherwise it picks strategy 2.
    const judge = scriptedModel((req) => {
      const text = req.messages[1].content;
      if (text.includes('(b)') && req.messages.length === 2) return 'Strategy two, I believe.';
      return text.includes('(c)') ? '{"indexes": [1], "reasoning": "the first move {was} enough"}' : '{"indexes": [2], "reasoning": "found it"}';
    }, { spec: 'scripted:judge' });
    const server = await startServer({ model: judge, name: 'judge-model' });
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const spec = `${server.baseURL}#judge-model`;
    const label = async (...extra: string[]) => {
      out.length = 0;
      const p = new Command().exitOverride();
      registerLabel(p);
      await p.parseAsync(['node', 'epo', 'label', '--run', 'r', '--judge', spec, '--concurrency', '2', ...extra]);
      return out.join('');
    };
    try {
      const first = await label();
      expect(first).toContain(`judge ${spec}: 4 calls (0 from cache), 1 repairs, 0 unusable samples, 0 invalid indexes dropped`);
      expect(first).toContain(`labelled 3 episodes with judge:${spec} (0 already labelled or over the limit, 0 failed); 3 of 8 strategist turns critical`);
      const s = RunStore.open(join(dir, 'runs', 'r', 'epo.sqlite'));
      expect(s.getLabel('b#0', `judge:${spec}`)).toMatchObject({ rewards: [0, 1, 0], critical: [1], reasoning: 'found it', judge: spec });
      expect(s.getLabel('c#0', `judge:${spec}`)).toMatchObject({ rewards: [1, 0], reasoning: 'the first move {was} enough' });
      s.close();
      const calls = judge.calls.length;
      expect(await label()).toContain('labelled 0 episodes');
      expect(judge.calls.length).toBe(calls);
      expect(await label('--force')).toContain('4 calls (4 from cache)');
      expect(judge.calls.length).toBe(calls);
    } finally {
      await server.close();
    }
  });

  it('keeps a secret written inline in the judge spec out of the labels and the output, and checks flags before judging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-label-secret-'));
    vi.stubEnv('EPO_RUNS_DIR', join(dir, 'runs'));
    vi.stubEnv('EPO_LLM_CACHE', join(dir, 'cache.sqlite'));
    const store = RunStore.open(join(dir, 'runs', 'r', 'epo.sqlite'));
    store.putEpisodes([chatEpisode({ taskId: 'a', turns: 2 })]);
    store.close();
    const judge = scriptedModel(['{"indexes": [1], "reasoning": "r"}'], { spec: 'scripted:judge', cycle: true });
    const server = await startServer({ model: judge, name: 'judge-model' });
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    const secret = 'sk-judge-0123456789abcdef';
    const spec = `${server.baseURL}#judge-model?header.X-Api-Key=${secret}`;
    const label = async (...extra: string[]) => {
      const p = new Command().exitOverride();
      registerLabel(p);
      await p.parseAsync(['node', 'epo', 'label', '--run', 'r', '--judge', spec, ...extra]);
    };
    try {
      for (const [flag, value, message] of [['--samples', '1e2', /--samples must be a whole number from 1 to 1000/], ['--vote-threshold', '2', /--vote-threshold must be a number from 0 to 1/], ['--seed', '-1', /--seed must be a whole number from 0 to/]] as const) {
        await expect(label(flag, value)).rejects.toThrow(message);
      }
      expect(judge.calls).toHaveLength(0);
      await label('--no-cache');
      const publicLabeler = `judge:${server.baseURL}#judge-model?header.X-Api-Key=[REDACTED]`;
      expect(out.join('')).toContain(`labelled 1 episodes with ${publicLabeler}`);
      expect(out.join('')).not.toContain(secret);
      expect(folderBytes(join(dir, 'runs'))).not.toContain(secret);
      const s = RunStore.open(join(dir, 'runs', 'r', 'epo.sqlite'));
      expect(s.getLabel('a#0', publicLabeler)).toMatchObject({ rewards: [1, 0] });
      s.close();
    } finally {
      await server.close();
    }
  });
});
