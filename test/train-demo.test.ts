/**
 * `epo demo` end to end on a small budget (seconds): generated games, the shipped starting strategist on two worker
 * threads, one self-play iteration, summary.json and the HTML report; a re-run resumes without redoing anything. And
 * the on-the-spot starting strategist (teacher corpus + imitation) on a handful of games.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleActor } from '../src/agents/rule-actor.js';
import { registerLocalBackend } from '../src/model/register.js';
import { RunStore } from '../src/store/run-store.js';
import { createLogger } from '../src/core/log.js';
import { DEMO_DEFAULTS, formatDemoTable, runDemo, type DemoSummary } from '../src/demo/run-demo.js';
import { buildStartingStrategist, SHIPPED_STRATEGIST } from '../src/demo/start.js';

registerLocalBackend();
const root = mkdtempSync(join(tmpdir(), 'epo-demo-'));
const small = { ...DEMO_DEFAULTS, runsRoot: root, iterations: 1, episodes: 8, evalTasks: 8, trainTasks: 16, epochs: 1, concurrency: 8, workers: 2 };
const episodesIn = (path: string) => { const s = RunStore.open(path); try { return [...s.episodes()].length; } finally { s.close(); } };

describe('epo demo', () => {
  it('ships a starting strategist checkpoint in the Hugging Face layout', () => {
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(existsSync(join(SHIPPED_STRATEGIST, f))).toBe(true);
    expect(JSON.parse(readFileSync(join(SHIPPED_STRATEGIST, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'llama', hidden_size: 128, num_hidden_layers: 4 });
  });

  it('runs evaluation, one self-play iteration and a second evaluation, writes summary.json and report.html, and resumes', async () => {
    const logFile = join(root, 'small-log.jsonl');
    const terminal: string[] = [];
    const progress: [number, string, number | undefined, number | undefined][] = [];
    const s = await runDemo({
      ...small, run: 'small', log: createLogger({ file: logFile, quiet: true }), onLine: (l) => terminal.push(l),
      onProgress: (i, stage, _line, done, total) => progress.push([i, stage, done, total]),
    });
    // per-episode progress within the stages, as `epo eval` shows it
    for (const [i, stage] of [[0, 'eval'], [1, 'rollouts'], [1, 'eval']] as const) {
      expect(progress.filter((p) => p[0] === i && p[1] === stage).map((p) => [p[2], p[3]])).toEqual(Array.from({ length: 8 }, (_, k) => [k + 1, 8]));
    }
    // log.jsonl holds each line once (the stage results used to be written by self-play and again by the demo)
    const msgs = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.filter((m) => m.startsWith('iteration 1 train:'))).toHaveLength(1);
    expect(msgs.filter((m) => m.startsWith('iteration 0 eval:'))).toHaveLength(1);
    const stages = msgs.filter((m) => m.startsWith('iteration '));
    expect(new Set(stages).size).toBe(stages.length);
    expect(terminal.filter((m) => m.startsWith('iteration 1 train:'))).toHaveLength(1);
    expect(s.rows.map((r) => [r.iteration, r.episodes])).toEqual([[0, 8], [1, 8]]);
    for (const r of s.rows) {
      expect(r.rate.mean).toBeCloseTo(r.successes / 8, 10);
      expect(r.rate.lo).toBeLessThanOrEqual(r.rate.mean);
      expect(r.rate.hi).toBeGreaterThanOrEqual(r.rate.mean);
    }
    expect(s.rows[1].strategist).toMatch(/^local:.*it1-checkpoint$/);
    expect(s.rows[1].wallSeconds).toBeGreaterThan(s.rows[0].wallSeconds);
    expect(s.improvement.difference).toBeCloseTo((s.rows[1].successes - s.rows[0].successes) / 8, 10);
    expect(s.start?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // held-out success per task type adds up to each row's total, and is printed and reported
    for (const r of s.rows) {
      const counts = Object.values(r.byType ?? {});
      expect(counts.reduce((a, c) => a + c.episodes, 0)).toBe(8);
      expect(counts.reduce((a, c) => a + c.successes, 0)).toBe(r.successes);
    }
    expect(formatDemoTable(s)).toContain('success per task type:');
    expect(s.models).toEqual({ strategist: `local:${SHIPPED_STRATEGIST}`, actor: 'scripted:rule-actor' });
    const dir = join(root, 'small');
    const onDisk = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as DemoSummary;
    expect(onDisk.rows).toEqual(s.rows);
    expect(onDisk.codeVersion).toBe(s.codeVersion);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('success per task type:');
    expect(formatDemoTable(s)).toMatch(/^iteration {2}held-out success/);
    expect(episodesIn(join(dir, 'it1-rollouts', 'epo.sqlite'))).toBe(8);

    // A re-run of the same command finds every stage done: same rows (wall times add this run's game check), nothing new stored.
    const again = await runDemo({ ...small, run: 'small' });
    const rowsOf = (x: DemoSummary) => x.rows.map(({ wallSeconds: _w, ...r }) => r);
    expect(rowsOf(again)).toEqual(rowsOf(s));
    expect(episodesIn(join(dir, 'it1-rollouts', 'epo.sqlite'))).toBe(8);
    expect(episodesIn(join(dir, 'it0-eval', 'epo.sqlite'))).toBe(8);
  }, 120_000);

  it('builds a starting strategist on the spot from a teacher corpus, and skips finished work when re-run', async () => {
    const actor = ruleActor();
    const o = { dir: join(root, 'start'), corpusEpisodes: 12, noise: 0.3, epochs: 1, lr: 5e-3, maxSteps: 10, seed: 3, actor, actorRef: { spec: actor.spec, temperature: 0 } };
    const out = await buildStartingStrategist(o);
    expect(readFileSync(join(o.dir, 'corpus.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
    const done = JSON.parse(readFileSync(join(out, 'train_done.json'), 'utf8'));
    expect(done.steps).toBe(2); // 12 chats, batch 8, 1 epoch
    const lines: string[] = [];
    await buildStartingStrategist({ ...o, say: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('already done');
  }, 120_000);
});
