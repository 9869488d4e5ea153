/**
 * Dataset build speed: 10,000 synthetic ALFWorld-shaped episodes (3–15 strategist turns, each turn storing its full
 * strategist input as real rollouts do) in a real SQLite run store, env-progress labels, then `dataset build` to the
 * LLaMA-Factory format (with the cutoff check) and to JSONL. Usage: npm run -s bench -- dataset [episodes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Episode, Turn } from '../src/core/episode.js';
import type { ChatMessage } from '../src/core/messages.js';
import { createRng } from '../src/core/random.js';
import { envLabel } from '../src/rewards/env-progress.js';
import { labelEpisodes } from '../src/rewards/judge/label.js';
import { makeRule } from '../src/rewards/returns.js';
import { RunStore } from '../src/store/run-store.js';
import { exportDataset } from '../src/train/export/export-dataset.js';

const N = Number(process.argv[2] ?? 10_000);
const rng = createRng(42);
const words = 'the a mug desk shelf cabinet drawer countertop fridge microwave sink apple knife go to take put open close heat cool clean find then with in on'.split(' ');
const text = (n: number) => Array.from({ length: n }, () => rng.pick(words)).join(' ');
const SYSTEM = `You are the strategist. ${text(140)}`;

function episode(i: number): Episode {
  const T = 3 + rng.int(13), taskId = `task-${i % 2500}`, trial = Math.floor(i / 2500);
  const chat: ChatMessage[] = [{ role: 'system', content: SYSTEM }];
  const turns: Turn[] = [];
  let progress = 0;
  for (let t = 0; t < T; t++) {
    chat.push({ role: 'user', content: t === 0 ? `Your task is to: ${text(12)}` : `Observation: ${text(28)}` });
    const output = `Strategy: ${text(14)}`;
    if (rng.next() < 0.2) progress = Math.min(1, progress + 0.25);
    turns.push({ index: t, strategist: { input: [...chat], output }, action: `go to ${text(3)}`, observation: text(28), reward: 0, done: t === T - 1, info: { progress } });
    chat.push({ role: 'assistant', content: output });
  }
  const won = progress === 1 ? 1 : 0;
  return {
    id: `${taskId}#${trial}`, run: 'bench', env: 'alfworld', taskId, trial, seed: i, models: { strategist: { spec: 'scripted:s' } },
    codeVersion: 'bench', task: {}, initialObservation: text(30), turns, outcome: { reward: won, success: won === 1, reason: 'done' },
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'epo-bench-ds-'));
try {
  const t0 = performance.now();
  const store = RunStore.open(join(dir, 'runs', 'bench', 'epo.sqlite'));
  const batch: Episode[] = [];
  let bytes = 0;
  const flush = () => { store.putEpisodes(batch); batch.length = 0; };
  for (let i = 0; i < N; i++) {
    const e = episode(i);
    bytes += JSON.stringify(e).length;
    batch.push(e);
    if (batch.length === 500) flush();
  }
  flush();
  const setupS = (performance.now() - t0) / 1000;
  console.log(`store: ${N} episodes, ${(bytes / 1e6).toFixed(0)} MB of episode JSON; setup ${setupS.toFixed(1)} s`);
  // `epo label --judge env`: the same path as the CLI (one episode loaded at a time, one label write each).
  const tl = performance.now();
  const ids = [...store.finishedIds()].sort();
  const ls = await labelEpisodes(ids, (id) => store.getEpisode(id), async (e) => envLabel(e), (id, l) => store.putLabel(id, l), { concurrency: 1 });
  const labelS = (performance.now() - tl) / 1000;
  console.log(`label --judge env: ${ls.labelled} episodes in ${labelS.toFixed(2)} s (${Math.round(ls.labelled / labelS)} episodes/s)`);
  store.close();

  const results: Record<string, number> = {};
  for (const [format, rule] of [['llamafactory', 'reference'], ['llamafactory', 'grpo'], ['jsonl', 'discounted']] as const) {
    const t = performance.now();
    const { record } = await exportDataset({ runs: [join(dir, 'runs', 'bench')], out: join(dir, `out-${format}-${rule}`), format, rule: makeRule(rule), labeler: 'env', valFraction: 0.05 });
    const s = (performance.now() - t) / 1000;
    results[`${format}_${rule}_s`] = Number(s.toFixed(2));
    console.log(`dataset build ${format} / ${rule}: ${s.toFixed(2)} s for ${N} episodes (${Math.round(N / s)} episodes/s), ${record.counts.examples} examples, ${record.counts.val} val`);
  }
  const rssMb = Math.round(process.memoryUsage().rss / 1e6);
  console.log(`peak-ish RSS ${rssMb} MB`);
  console.log(JSON.stringify({ episodes: N, episode_json_mb: Math.round(bytes / 1e6), setup_s: Number(setupS.toFixed(1)), label_env_s: Number(labelS.toFixed(2)), ...results, rss_mb: rssMb }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
