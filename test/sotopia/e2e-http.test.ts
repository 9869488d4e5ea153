import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedSotopiaModel } from '../../src/agents/sotopia/scripted.js';
import { RunStore } from '../../src/store/run-store.js';
import { strategistChat } from '../../src/core/episode.js';
import { findData } from '../helpers/data.js';
import { startServer, type RunningServer } from '../../src/serve/openai-server.js';
import type { ChatModel, CompletionRequest } from '../../src/llm/model.js';

/** Serve `model` under `name` on its own OpenAI-compatible server, recording each request. */
async function serve(name: string, model: ChatModel): Promise<RunningServer & { seen: CompletionRequest[]; spec: string }> {
  const seen: CompletionRequest[] = [];
  const s = await startServer({ model: { spec: name, complete: (req) => { seen.push(req); return model.complete(req); } }, name });
  return { ...s, close: s.close, seen, spec: `${s.baseURL}#${name}` };
}
type Served = Awaited<ReturnType<typeof serve>>;

const data = findData('sotopia', 'environment_profiles.jsonl') ? findData('sotopia') : undefined;

interface Proc { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Run the CLI; `killWhen` sends SIGKILL as soon as stderr matches. */
function epo(args: string[], env: Record<string, string>, killWhen?: RegExp): Promise<Proc> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; if (killWhen?.test(stderr)) p.kill('SIGKILL'); });
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(!data)('epo eval sotopia over HTTP (scripted agents and judge behind a real OpenAI-compatible server)', () => {
  const servers: Record<string, Served> = {};
  const runs = mkdtempSync(join(tmpdir(), 'sot-e2e-'));
  beforeAll(async () => {
    for (const role of ['tested', 'partner', 'judge', 'strategist']) servers[role] = await serve(role, scriptedSotopiaModel({ goal: 7, leave: 4, delayMs: 15 }));
  });
  afterAll(async () => { for (const s of Object.values(servers)) await s.close(); });

  it('completes the hard set (fixed partner), survives a kill, resumes, and prints goal 7.00', async () => {
    const env = { EPO_RUNS_DIR: runs, EPO_LOG_LEVEL: 'info' };
    const summary = join(runs, 'summary.json');
    const args = ['eval', 'sotopia', '--tasks', 'hard', '--data', data!,
      '--model', servers.tested.spec, '--partner', servers.partner.spec, '--evaluator', servers.judge.spec,
      '--strategist', servers.strategist.spec, '--concurrency', '4', '--run', 'e2e', '--summary', summary];

    const first = await epo(args, env, /\[12\/100\]/);
    expect(first.signal).toBe('SIGKILL');
    const store = RunStore.open(join(runs, 'e2e', 'epo.sqlite'));
    const kept = store.countEpisodes();
    store.close();
    expect(kept).toBeGreaterThanOrEqual(12);
    expect(kept).toBeLessThan(100);

    const second = await epo(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resuming: ${kept} of 100 episodes already finished`);
    const out = second.stdout;
    expect(out).toContain('SOTOPIA (fixed partner, tested seats 0 and 1; evaluator');
    expect(out).toContain('on hard (mean [95% CI])');
    expect(out).toMatch(/goal GOAL\s+0\.\.10\s+7\.00 \[7\.00, 7\.00\]/);
    expect(out).toMatch(/#tested \(n=100\)/);
    expect(out).toContain('episodes: 100 (100 evaluated)');

    const s = JSON.parse(readFileSync(summary, 'utf8'));
    expect(s.report.tested.hard.n).toBe(100);
    expect(s.report.tested.hard.metrics.goal.mean).toBe(7);
    expect(s.missing).toBe(0);
    // The judge got the evaluation schema as response_format (100 episodes, one call each), the actors the action schema.
    expect(servers.judge.seen.map((r) => r.jsonSchema?.name)).toEqual(Array(100).fill('sotopia_evaluation'));
    expect(servers.tested.seen.every((r) => r.jsonSchema?.name === 'sotopia_action')).toBe(true);
    expect(servers.judge.seen.every((r) => r.temperature === 0)).toBe(true);
    // Stored episodes hold the exact strategist chats (tested seat only: the partner has no strategist).
    const st = RunStore.open(join(runs, 'e2e', 'epo.sqlite'));
    const e = st.getEpisode('01H7VN6K4XYJF7RVMKEEBKT4JP.s0#0')!;
    st.close();
    expect(e.turns.map((t) => t.seat)).toEqual([0, 1, 0, 1]);
    expect(strategistChat(e, 0).filter((m) => m.role === 'assistant')).toHaveLength(2);
    expect(strategistChat(e, 1)).toEqual([]);

    const report = await epo(['sotopia', 'report', '--run', 'e2e', '--summary', join(runs, 'again.json')], env);
    expect(report.stdout).toBe(out.slice(0, out.indexOf('tokens/episode')) + report.stdout.slice(report.stdout.indexOf('tokens/episode')));
    expect(JSON.parse(readFileSync(join(runs, 'again.json'), 'utf8')).report.tested.hard.metrics.goal.mean).toBe(7);

    const transcript = await epo(['sotopia', 'transcript', '--run', 'e2e', '--id', e.id], env);
    expect(transcript.stdout).toContain('‖ strategy: make progress on turn 1');
    expect(transcript.stdout).toMatch(/goal \(GOAL\)\s+7\s+7/);
  });
});

describe('epo eval sotopia: a judge that fails is retried on the next run, the dialogues kept', () => {
  let actor: Served, judge: Served;
  let judgeWorks = false;
  const runs = mkdtempSync(join(tmpdir(), 'sot-reeval-'));
  const scripted = scriptedSotopiaModel({ goal: 4, leave: 3 });
  beforeAll(async () => {
    actor = await serve('m', scripted);
    judge = await serve('judge', { spec: 'judge', complete: (req) => (judgeWorks ? scripted.complete(req)
      : Promise.resolve({ text: 'I cannot score this.', usage: { promptTokens: 1, completionTokens: 1 }, finishReason: 'stop' })) });
  });
  afterAll(async () => { await actor?.close(); await judge?.close(); });

  it('self-play on the built-in tasks', async () => {
    const env = { EPO_RUNS_DIR: runs };
    const args = ['eval', 'sotopia', '--tasks', 'builtin', '--model', actor.spec, '--evaluator', judge.spec, '--run', 'r', '--action-types', 'epo'];
    const first = await epo(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('episodes: 5 (0 evaluated, 5 awaiting evaluation)');
    const requestsAfterFirst = actor.seen.length;
    judgeWorks = true;
    const second = await epo(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('re-evaluating epo-task-rent-1.self#0');
    expect(second.stdout).toContain('episodes: 5 (5 evaluated)');
    expect(second.stdout).toMatch(/goal GOAL\s+0\.\.10\s+4\.00 \[4\.00, 4\.00\]/);
    expect(second.stdout).toMatch(/#m \(n=10\)/); // self-play: both seats count
    expect(actor.seen.length).toBe(requestsAfterFirst); // no dialogue was re-run
    // A different configuration under the same run name is refused.
    const other = await epo([...args.slice(0, -2), '--action-types', 'full'], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('was started with a different configuration');
  });
});
