import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { trainBpe } from '../src/model/tokenizer/bpe.js';
import { SPECIAL_TOKENS } from '../src/model/tokenizer/chat.js';
import { toTokenizerJson } from '../src/model/tokenizer/hf-json.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { parse } from 'yaml';
import { RunStore } from '../src/store/run-store.js';
import { buildDataset, validationTasks, normaliseChat, type DatasetSource } from '../src/train/dataset.js';
import { makeRule } from '../src/rewards/returns.js';
import { checkCutoff, inferSeqlen } from '../src/train/export/cutoff.js';
import { fitToCutoff } from '../src/train/export/fit.js';
import { exportDataset } from '../src/train/export/export-dataset.js';
import { trainingConfig } from '../src/train/export/llamafactory.js';
import { loadTokenCounter, registerTokenCounter } from '../src/train/export/token-counters.js';
import { registerDataset } from '../src/cli/commands/dataset.js';
import { registerLabel } from '../src/cli/commands/label.js';
import { registerTrain } from '../src/cli/commands/train.js';
import { chatEpisode, sotopiaEpisode } from './helpers/strategist-episodes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'epo-ds-'));
const source = (store: RunStore, name = 'r1'): DatasetSource => ({ name, episodes: () => store.episodes(), getLabel: (id, l) => store.getLabel(id, l) });

function storeWith(dir: string, name: string, episodes: ReturnType<typeof chatEpisode>[]): RunStore {
  const s = RunStore.open(join(dir, name, 'epo.sqlite'));
  s.putEpisodes(episodes);
  return s;
}

describe('dataset build from run stores', () => {
  let dir: string;
  beforeEach(() => { dir = tmp(); });

  it('reference rule with judge labels: exact chat, one weight per strategy, unlabelled and mismatched episodes skipped', () => {
    const s = storeWith(dir, 'r1', [
      chatEpisode({ taskId: 'a', turns: 5, outcome: 0.7, env: 'webshop' }),
      chatEpisode({ taskId: 'b', turns: 2 }),
      chatEpisode({ taskId: 'c', turns: 2 }),
    ]);
    s.putLabel('a#0', { labeler: 'judge:j', rewards: [0, 1, 0, 0, 0], critical: [1] });
    s.putLabel('c#0', { labeler: 'judge:j', rewards: [0, 1, 0], critical: [1] });
    const ds = buildDataset([source(s)], { rule: makeRule('reference'), labeler: 'judge:j' });
    s.close();
    expect(ds.examples).toHaveLength(1);
    const ex = ds.examples[0];
    expect(ex.system).toBe('You are the strategist.');
    expect(ex.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(ex.messages[1].content).toBe('Strategy: step 0 of a');
    expect(ex.weights.map((w) => Number(w.toFixed(3)))).toEqual([0.990, 1.000, 0.409, 0.413, 0.417]);
    expect(ds.record.counts.skipped).toEqual({ unlabelled: 1, label_mismatch: 1 });
    expect(ds.record.skippedExamples).toContainEqual({ id: 'r1/c#0', why: 'label_mismatch: 3 rewards for 2 strategist turns' });
    expect(ds.record.rule).toEqual({ name: 'reference', params: { gamma: 0.99, processScale: 1, eps: 0 } });
  });

  it('baseline groups rollouts of a task across runs; minimum outcome filters after the baseline; duplicates dropped', () => {
    const s1 = storeWith(dir, 'r1', [chatEpisode({ taskId: 't', trial: 0, turns: 2, outcome: 1, strategy: (k) => `win ${k}` })]);
    const s2 = storeWith(dir, 'r2', [
      chatEpisode({ taskId: 't', trial: 1, turns: 2, outcome: 0, strategy: (k) => `lose ${k}` }),
      chatEpisode({ taskId: 't', trial: 2, turns: 2, outcome: 0, strategy: (k) => `lose ${k}` }), // same chat as trial 1
    ]);
    const ds = buildDataset([source(s1, 'r1'), source(s2, 'r2')], { rule: makeRule('baseline', { gamma: 1 }) });
    // mean outcome of task t over 3 rollouts = 1/3
    expect(ds.examples.map((x) => [x.id, x.weights.map((w) => Number(w.toFixed(4)))])).toEqual([
      ['r1/t#0', [0.6667, 0.6667]], ['r2/t#1', [-0.3333, -0.3333]],
    ]);
    expect(ds.record.counts.skipped).toEqual({ duplicate: 1 });
    expect(ds.record.weights.negativeFraction).toBe(0.5);
    const kept = buildDataset([source(s1, 'r1'), source(s2, 'r2')], { rule: makeRule('baseline', { gamma: 1 }), minOutcome: 0.5 });
    expect(kept.examples.map((x) => x.weights[0])).toEqual([1 - 1 / 3]);
    expect(kept.record.counts.skipped).toEqual({ below_min_outcome: 2 });
    s1.close(); s2.close();
  });

  it('SOTOPIA: one example per seat with that seat\'s goal/10 as outcome', () => {
    const s = storeWith(dir, 's', [sotopiaEpisode([8, 2])]);
    const ds = buildDataset([source(s, 's')], { rule: makeRule('discounted', { gamma: 1 }) });
    s.close();
    expect(ds.examples.map((x) => [x.id, x.seat, x.outcome, x.weights])).toEqual([
      ['s/scenario-1#0@seat0', 0, 0.8, [0.8, 0.8]], ['s/scenario-1#0@seat1', 1, 0.2, [0.2, 0.2]],
    ]);
    expect(ds.examples[1].messages[1].content).toBe('Strategy: seat 1 move 0');
  });

  it('validation split is by task id, deterministic in the seed', () => {
    const eps = Array.from({ length: 40 }, (_, i) => chatEpisode({ taskId: `t${i % 20}`, trial: Math.floor(i / 20), strategy: (k) => `s${i}-${k}` }));
    const s = storeWith(dir, 'r1', eps);
    const ds = buildDataset([source(s)], { rule: makeRule('reference'), valFraction: 0.25, seed: 7 });
    s.close();
    const valTasks = new Set(ds.examples.filter((x) => x.split === 'val').map((x) => x.taskId));
    const trainTasks = new Set(ds.examples.filter((x) => x.split === 'train').map((x) => x.taskId));
    expect([...valTasks].filter((t) => trainTasks.has(t))).toEqual([]);
    expect(valTasks.size).toBe(5); // round(0.25 × 20 tasks)
    expect(validationTasks(Array.from({ length: 20 }, (_, i) => `t${i}`), 0.25, 7)).toEqual(valTasks);
    expect(validationTasks(Array.from({ length: 20 }, (_, i) => `t${i}`), 0.25, 8)).not.toEqual(valTasks);
    expect(validationTasks(['a', 'b', 'c'], 0.01, 7).size).toBe(1); // at least one task when asked
    expect(validationTasks(['a'], 0.5, 7).size).toBe(0); // never every task
  });

  it('chats must alternate user/assistant after an optional system message', () => {
    expect(normaliseChat([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }])).toBe('message 1 is user, expected assistant');
    expect(normaliseChat([{ role: 'system', content: 's' }, { role: 'user', content: 'a' }])).toBe('the chat does not end with an assistant message');
  });
});

describe('cutoff check (LLaMA-Factory truncation)', () => {
  it('inferSeqlen follows LLaMA-Factory', () => {
    expect(inferSeqlen(100, 10, 1000)).toEqual([100, 10]);
    expect(inferSeqlen(3000, 100, 1000)).toEqual([900, 100]); // target short: source trimmed
    expect(inferSeqlen(100, 3000, 1000)).toEqual([100, 900]); // source short: target trimmed
    expect(inferSeqlen(600, 1400, 1000)).toEqual([300, 700]); // both in proportion
  });

  it('counts the turns that survive whole with a given token counter', () => {
    const chars = (s: string) => s.length;
    const msgs = [{ role: 'user' as const, content: 'x'.repeat(40) }, { role: 'assistant' as const, content: 'y'.repeat(20) },
      { role: 'user' as const, content: 'x'.repeat(40) }, { role: 'assistant' as const, content: 'y'.repeat(20) }];
    const o = { source: 9, target: 1, first: 1, system: 5 };
    // turn 1: 40+9+1 = 50 source, 21 target → 71; turn 2: 49 + 21 = 70 → 141 total
    expect(checkCutoff(msgs, undefined, 141, chars, o)).toEqual({ intact: 2, turns: 2, tokens: 141 });
    expect(checkCutoff(msgs, undefined, 140, chars, o)).toEqual({ intact: 1, turns: 2, tokens: 141 });
    expect(checkCutoff(msgs, 'sys', 71, chars, o)).toEqual({ intact: 0, turns: 2, tokens: 149 });
  });

  it('drop, trim and warn policies, counted', () => {
    const s = RunStore.open(join(tmp(), 'epo.sqlite'));
    s.putEpisodes([chatEpisode({ taskId: 'long', turns: 6 }), chatEpisode({ taskId: 'short', turns: 1 })]);
    const ds = buildDataset([source(s)], { rule: makeRule('reference') });
    s.close();
    const len = (p: 'drop' | 'trim' | 'warn') => fitToCutoff(ds.examples, { cutoffLen: 120, policy: p, tokenizer: 'chars/4', template: 'llama3' });
    const drop = len('drop'), trim = len('trim'), warn = len('warn');
    expect(drop.examples.map((x) => x.taskId)).toEqual(['short']);
    expect(drop.counts).toMatchObject({ overflowing: 1, dropped: 1, trimmed: 0, turnsRemoved: 6 });
    expect(trim.examples.map((x) => [x.taskId, x.weights.length, x.messages.length])).toEqual([['long', 3, 6], ['short', 1, 2]]);
    expect(trim.counts).toMatchObject({ overflowing: 1, dropped: 0, trimmed: 1, turnsRemoved: 3 });
    expect(warn.examples).toHaveLength(2);
    expect(warn.counts).toMatchObject({ overflowing: 1, keptTruncated: 1 });
  });
});

describe('exports and CLI', () => {
  let dir: string, out: string[];
  beforeEach(() => {
    dir = tmp(); out = [];
    vi.stubEnv('EPO_RUNS_DIR', join(dir, 'runs'));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => { vi.restoreAllMocks(); vi.unstubAllEnvs(); });

  const cli = async (...args: string[]) => {
    const p = new Command().exitOverride();
    registerLabel(p); registerDataset(p); registerTrain(p);
    await p.parseAsync(['node', 'epo', ...args]);
    return out.join('');
  };

  it('label --judge env, then dataset build --format llamafactory: ShareGPT records, dataset_info.json, YAML', async () => {
    const s = storeWith(join(dir, 'runs'), 'alf', [
      chatEpisode({ taskId: 'a', turns: 3, progress: [0, 0.5, 1], outcome: 1 }),
      chatEpisode({ taskId: 'b', turns: 2, progress: [0, 0], outcome: 0 }),
    ]);
    s.close();
    expect(await cli('label', '--run', 'alf', '--judge', 'env')).toContain('labelled 2 episodes with env (0 already labelled or over the limit, 0 failed); 2 of 5 strategist turns critical');
    const ds = join(dir, 'ds');
    const text = await cli('dataset', 'build', '--runs', 'alf', '--labeler', 'env', '--rule', 'reference', '--out', ds, '--format', 'llamafactory');
    expect(text).toContain('dataset epo_rl: 2 examples (2 train, 0 val) from 2 episodes of 1 run(s)');
    const records = JSON.parse(readFileSync(join(ds, 'epo_rl.json'), 'utf8')) as { conversations: { from: string; value: string; score?: string }[]; system: string }[];
    // episode b: no progress, outcome 0 → all-zero weights under the reference rule, still exported
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.conversations[0].from).toBe('human');
      expect(r.conversations.at(-1)!.from).toBe('gpt');
      r.conversations.forEach((c, i) => {
        expect(c.from).toBe(i % 2 ? 'gpt' : 'human');
        if (c.from === 'gpt') expect(typeof c.score).toBe('string'); else expect(c.score).toBeUndefined();
      });
    }
    expect(records[0].system).toBe('You are the strategist.');
    // a: progress at turns 1 and 2 → critical → r = [0, 1, 1], G = [1.9701, 1.99, 1] / 1.99
    expect(records[0].conversations.filter((c) => c.from === 'gpt').map((c) => Number(c.score).toFixed(4))).toEqual(['0.9900', '1.0000', '0.5025']);
    expect(JSON.parse(readFileSync(join(ds, 'dataset_info.json'), 'utf8'))).toEqual({
      epo_rl: { file_name: 'epo_rl.json', formatting: 'sharegpt', columns: { messages: 'conversations', system: 'system' }, tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt' } },
    });
    const yaml = parse(readFileSync(join(ds, 'train_epo.yaml'), 'utf8')) as Record<string, unknown>;
    expect(yaml).toMatchObject({ stage: 'sft', finetuning_type: 'full', dataset: 'epo_rl', template: 'llama3', cutoff_len: 4096, learning_rate: 1e-6, num_train_epochs: 3, per_device_train_batch_size: 1, gradient_accumulation_steps: 8, lr_scheduler_type: 'cosine', warmup_ratio: 0.03, bf16: true });
    expect(yaml).not.toHaveProperty('resume_from_checkpoint');
    expect(yaml).not.toHaveProperty('max_samples');
    const manifest = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ labeler: 'env', rule: { name: 'reference' }, sources: [{ run: 'alf', episodes: 2 }], export: { format: 'llamafactory', cutoff: { cutoffLen: 4096, overflowing: 0 } } });
    const withVal = trainingConfig(ds, { name: 'epo_rl', model: 'm', template: 'llama3', cutoffLen: 4096, evaluate: true }, true);
    expect(withVal).toMatchObject({ eval_dataset: 'epo_rl_val', eval_strategy: 'steps', dataset_dir: ds });
    expect(trainingConfig(ds, { name: 'epo_rl', model: 'm', template: 'llama3', cutoffLen: 4096 }, true)).not.toHaveProperty('eval_dataset');

    const train = await cli('train', '--engine', 'llamafactory', '--dataset', ds, '--dry-run');
    expect(train).toContain(`FORCE_TORCHRUN=1 llamafactory-cli train ${join(ds, 'train_epo.yaml')}`);
  });

  it('jsonl export with a validation split: weights on assistant messages, val file, and the other turns unweighted', async () => {
    const s = storeWith(join(dir, 'runs'), 'w', Array.from({ length: 12 }, (_, i) => chatEpisode({ env: 'webshop', taskId: `w${i}`, turns: 2, outcome: i / 12 })));
    s.close();
    const ds = join(dir, 'dsj');
    await exportDataset({ runs: ['w'], out: ds, format: 'jsonl', rule: makeRule('grpo'), valFraction: 0.3, seed: 3 });
    const lines = readFileSync(join(ds, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; weight?: number }[]; weights: number[] });
    expect(existsSync(join(ds, 'val.jsonl'))).toBe(true);
    const first = lines[0];
    expect(first.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(first.messages.filter((m) => m.role === 'assistant').map((m) => m.weight)).toEqual(first.weights);
    expect(first.messages.filter((m) => m.role !== 'assistant').every((m) => m.weight === undefined)).toBe(true);
  });

  it('--tokenizer local:<dir> counts with the built-in model\'s BPE tokenizer (exact counts decide the cutoff)', async () => {
    const s = storeWith(join(dir, 'runs'), 'tok', [chatEpisode({ taskId: 'a', turns: 3 })]);
    s.close();
    const ck = join(dir, 'ck');
    mkdirSync(ck);
    const tok = trainBpe(['Strategy: step of a Task put a mug on the desk Observation On the shelf you see'], 300, SPECIAL_TOKENS);
    writeFileSync(join(ck, 'tokenizer.json'), JSON.stringify(toTokenizerJson(tok)));
    const count = (t: string) => tok.encode(t).length;
    const ex = buildDataset([{ name: 'x', episodes: () => [chatEpisode({ taskId: 'a', turns: 3 })], getLabel: () => undefined }], { rule: makeRule('reference') }).examples[0];
    const exact = checkCutoff(ex.messages, ex.system, 1e9, count).tokens;
    expect(exact).not.toBe(checkCutoff(ex.messages, ex.system, 1e9).tokens); // differs from the chars/4 estimate
    const build = (len: number) => cli('dataset', 'build', '--runs', 'tok', '--out', join(dir, `t${len}`), '--tokenizer', `local:${ck}`, '--cutoff-len', String(len));
    expect(await build(exact)).toContain(`cutoff ${exact} (local:${ck}): 0 over, 0 dropped`);
    expect(await build(exact - 1)).toContain(`cutoff ${exact - 1} (local:${ck}): 1 over, 1 dropped`);
    await expect(cli('dataset', 'build', '--runs', 'tok', '--out', join(dir, 'tx'), '--tokenizer', `local:${join(dir, 'nope')}`)).rejects.toThrow(/cannot read the tokenizer/);
  });

  it('a missing run or an unknown labeler is a clear error', async () => {
    await expect(cli('dataset', 'build', '--runs', 'nope', '--out', join(dir, 'x'))).rejects.toThrow(/run "nope" has no store/);
    const s = storeWith(join(dir, 'runs'), 'l', [chatEpisode({ taskId: 'a', progress: [0, 1, 1] })]);
    s.putLabel('a#0', { labeler: 'env', rewards: [0, 1, 0], critical: [1] });
    expect(s.labelers()).toEqual([{ labeler: 'env', count: 1 }]);
    s.close();
    await expect(cli('dataset', 'build', '--runs', 'l', '--labeler', 'judge:x', '--out', join(dir, 'x'))).rejects.toThrow(/no episode of l has a label from "judge:x"; known labelers: env/);
  });
});

describe('token counters', () => {
  it('chars4 is the default; registered kinds load; unknown ones are named', async () => {
    
    expect(await loadTokenCounter(undefined)).toBeUndefined();
    expect(await loadTokenCounter('chars4')).toBeUndefined();
    registerTokenCounter('words', (arg) => (t: string) => t.split(/\s+/).filter(Boolean).length + Number(arg || 0));
    expect((await loadTokenCounter('words:1'))!('a b c')).toBe(4);
    await expect(loadTokenCounter('nope:x.json')).rejects.toThrow(/unknown tokenizer "nope:x.json"; available: chars4, hf:<arg>, (local:<arg>, )?words:<arg>.*--tokenizer/);
  });
});
