/**
 * `epo dataset import --format epo-rl`: the released EPO RL data in both forms, on hand-written records. The expected
 * weights are derived from the reference preprocessing (LLaMA-Factory/data/utils/preprocessing.py):
 *   R = score / 10; L = set(location); last = max index of a gpt turn;
 *   r = 1.0 if index ∈ L, else R if index == last, else 0.0;  G_t = r_t + 0.99·G_{t+1};  w = G / max|G|.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { registerDataset } from '../src/cli/commands/dataset.js';
import { registerTrain } from '../src/cli/commands/train.js';
import { importEpoRl, preprocessScores, type EpoRlRecord } from '../src/train/epo-rl-data.js';
import { readJsonlExamples } from '../src/train/export/jsonl.js';
import { baseModelFolder } from './helpers/base-model.js';

/** human/gpt alternating; gpt turns carry their conversation index (0-based over all turns, as prm.py numbers them). */
function before(turns: number, score: number | undefined, location?: unknown[]): EpoRlRecord {
  const conversations = Array.from({ length: 2 * turns }, (_, j) => (j % 2 === 0
    ? { from: 'human', value: `context ${j}` }
    : { from: 'gpt', value: `Strategy: move ${j}`, index: j }));
  return { conversations, ...(score === undefined ? {} : { score }), ...(location ? { location } : {}) };
}

const round = (xs: number[]) => xs.map((x) => Number(x.toFixed(6)));

describe('reference preprocessing, before form (trajectory score + location)', () => {
  it('a judge pick in the middle: r = [0, 1, 0.7] → G = [1.67607, 1.693, 0.7] → w = G / 1.693', () => {
    // gpt turns at indices 1, 3, 5; location [3]; score 7 → R = 0.7 on the last (index 5)
    const s = preprocessScores(before(3, 7, [3]));
    expect(round(s.rewards)).toEqual([0, 1, 0.7]);
    expect(round(s.returns)).toEqual([1.67607, 1.693, 0.7]);
    expect(round(s.weights)).toEqual([0.99, 1, 0.413467]); // 0.7 / 1.693 = 0.4134672…
    // to the last bit, as the script's float arithmetic gives it (it writes str(w): "0.9899999999999999", …)
    expect(s.weights).toEqual([0.9899999999999999, 1, 0.41346721795629054]);
  });

  it('a pick on the last turn wins over the score; picks of human turns are ignored', () => {
    // location [2, 5]: index 2 is a human turn (ignored), 5 the last gpt turn → r = [0, 0, 1] whatever the score
    expect(round(preprocessScores(before(3, 3, [2, 5])).weights)).toEqual([0.9801, 0.99, 1]);
    expect(round(preprocessScores(before(3, 10, [2, 5])).weights)).toEqual([0.9801, 0.99, 1]);
  });

  it('no picks: weights γ^(T-1-t) whatever a positive score; score 0 gives all zeros', () => {
    expect(round(preprocessScores(before(3, 1)).weights)).toEqual([0.9801, 0.99, 1]); // r = [0, 0, 0.1]
    expect(round(preprocessScores(before(3, 9)).weights)).toEqual([0.9801, 0.99, 1]);
    expect(preprocessScores(before(3, 0)).weights).toEqual([0, 0, 0]); // max |G| = 0
  });

  it('Python set semantics: 1.0 and True match index 1, the string "3" matches nothing', () => {
    expect(preprocessScores(before(3, 0, [1.0])).rewards).toEqual([1, 0, 0]);
    expect(preprocessScores(before(3, 0, [true])).rewards).toEqual([1, 0, 0]);
    expect(preprocessScores(before(3, 0, ['3'])).rewards).toEqual([0, 0, 0]);
  });

  it('a scale of 1 for ALFWorld/WebShop outcomes: r = [0, 1.0] → w = [0.99, 1]', () => {
    expect(round(preprocessScores(before(2, 1), { scoreScale: 1, gamma: 0.99 }).weights)).toEqual([0.99, 1]);
    expect(round(preprocessScores(before(2, 1), { scoreScale: 10, gamma: 0.99 }).rewards)).toEqual([0, 0.1]);
  });

  it('refuses what the script would crash on, naming the record', () => {
    const recs = [before(2, undefined)];
    expect(() => importEpoRl(recs, { source: 'd.json', scoreScale: 10, gamma: 0.99 })).toThrow(/no trajectory "score" for the last gpt turn .* \(at d\.json#0\)/);
    // ... unless the judge picked the last turn (the score is never read then)
    expect(importEpoRl([before(2, undefined, [3])], { source: 'd.json', scoreScale: 10, gamma: 0.99 }).examples[0].weights).toEqual([0.99, 1]);
    const noIndex = { conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b' }], score: 5 };
    expect(() => importEpoRl([before(1, 5), noIndex], { source: 'd.json', scoreScale: 10, gamma: 0.99 })).toThrow(/gpt turn 1 has no numeric "index".*\(at d\.json#1\)/);
  });
});

describe('after form (a score per gpt turn)', () => {
  it('takes each gpt turn\'s score as its weight, as float(score) reads it', () => {
    const rec = { conversations: [
      { from: 'system', value: 'You are a strategist.' },
      { from: 'human', value: 'ctx' }, { from: 'gpt', value: 's1', score: '0.9900000000000001' },
      { from: 'human', value: 'obs' }, { from: 'gpt', value: 's2', score: '1.0' },
      { from: 'human', value: 'obs' }, { from: 'gpt', value: 's3', score: 0.25 },
    ] };
    const [ex] = importEpoRl([rec], { source: 'rl.json', scoreScale: 10, gamma: 0.99 }).examples;
    expect(ex.weights).toEqual([0.9900000000000001, 1, 0.25]);
    expect(ex.system).toBe('You are a strategist.');
    expect(ex.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    const bad = { conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b', score: '0.5' }, { from: 'human', value: 'c' }, { from: 'gpt', value: 'd' }] };
    expect(() => importEpoRl([bad], { source: 'rl.json', scoreScale: 10, gamma: 0.99, form: 'after' })).toThrow(/gpt turn 2 has no numeric "score" \(got undefined\)/);
  });

  it('skips conversations LLaMA-Factory would drop (not alternating, not ending with gpt), counted', () => {
    const ds = importEpoRl([
      { conversations: [{ from: 'human', value: 'a' }, { from: 'human', value: 'b' }, { from: 'gpt', value: 'c', score: '1' }] },
      { conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'c', score: '1' }] },
    ], { source: 'rl.json', scoreScale: 10, gamma: 0.99 });
    expect(ds.examples.map((x) => x.id)).toEqual(['rl.json#1']);
    expect(ds.record.counts.skipped).toEqual({ bad_chat: 1 });
  });
});

describe('epo dataset import --format epo-rl (CLI)', () => {
  afterEach(() => { vi.restoreAllMocks(); });
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const p = new Command().exitOverride();
    registerDataset(p); registerTrain(p);
    try { await p.parseAsync(['node', 'epo', ...args]); } finally { vi.restoreAllMocks(); }
    return out.join('');
  };

  it('both forms from one JSON Lines file into a dataset that epo train and LLaMA-Factory take', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-import-'));
    const file = join(dir, 'sotopia_pi_rl_data.jsonl');
    const after = { conversations: [{ from: 'human', value: 'ctx' }, { from: 'gpt', value: 'Strategy: greet.', score: '0.5' }] };
    writeFileSync(file, [JSON.stringify(before(3, 7, [3])), JSON.stringify(after)].join('\n') + '\n');
    const out = join(dir, 'ds');
    const text = await cli('dataset', 'import', '--format', 'epo-rl', file, '--out', out, '--env', 'sotopia');
    expect(text).toContain('imported sotopia_pi_rl_data.jsonl: 2 examples from 2 records (1 before preprocessing, 1 after); skipped: none');
    // LLaMA-Factory: gpt turns carry the weights as strings; no index/location/score left over
    const sharegpt = JSON.parse(readFileSync(join(out, 'epo_rl.json'), 'utf8')) as { conversations: { from: string; score?: string; index?: number }[] }[];
    expect(sharegpt[0].conversations.filter((c) => c.from === 'gpt').map((c) => Number(c.score).toFixed(6))).toEqual(['0.990000', '1.000000', '0.413467']);
    expect(sharegpt[0].conversations.some((c) => c.index !== undefined)).toBe(false);
    expect(sharegpt[1].conversations[1].score).toBe('0.5');
    const yaml = parse(readFileSync(join(out, 'train_epo.yaml'), 'utf8')) as Record<string, unknown>;
    expect(yaml).toMatchObject({ dataset: 'epo_rl', template: 'llama3', stage: 'sft' });
    // the in-process trainer's input
    expect(readJsonlExamples(join(out, 'train.jsonl')).map((x) => x.weights.map((w) => Number(w.toFixed(6))))).toEqual([[0.99, 1, 0.413467], [0.5]]);
    expect(await cli('train', '--engine', 'llamafactory', '--dataset', out, '--dry-run')).toContain(`llamafactory-cli train ${join(out, 'train_epo.yaml')}`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ import: { format: 'epo-rl', forms: { before: 1, after: 1 }, scoreScale: 10, gamma: 0.99 } });
    await expect(cli('dataset', 'import', '--format', 'sharegpt', file)).rejects.toThrow(/input format must be one of epo-rl, got "sharegpt"/);
  });

  it('with a model folder: exact Llama-3 counts for the cutoff check, the folder in the YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-import-'));
    const file = join(dir, 'alfshop_rl_data.json');
    writeFileSync(file, JSON.stringify([before(2, 1)]));
    const base = baseModelFolder();
    const out = join(dir, 'ds');
    const text = await cli('dataset', 'import', '--format', 'epo-rl', file, '--out', out, '--score-scale', '1', '--model', base);
    expect(text).toMatch(new RegExp(`cutoff 4096 \\(hf:${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, exact\\): 0 over`));
    expect((parse(readFileSync(join(out, 'train_epo.yaml'), 'utf8')) as Record<string, unknown>).model_name_or_path).toBe(base);
    expect(readJsonlExamples(join(out, 'train.jsonl'))[0].weights).toEqual([0.99, 1]); // r = [0, 1.0]
  });
});
