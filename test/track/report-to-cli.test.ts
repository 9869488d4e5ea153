/** `--report-to` on the commands: checked before any work, refused where it does not apply, and `epo train` tracks steps. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, initModel, makeConfig, saveCheckpoint, SPECIAL, SPECIAL_TOKENS, trainBpe } from '../../src/model/index.js';
import { epo } from '../helpers/store-cli.js';
import { readEvents } from './tb-reader.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-report-to-'));

describe('--report-to on the commands', () => {
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; });

  it('an unknown backend is refused before any run folder is made', async () => {
    const sp = await epo(['selfplay', '--env', 'sotopia', '--strategist', 'local:/nowhere', '--actor', 'scripted:sotopia', '--judge', 'scripted:sotopia',
      '--train-tasks', 'builtin:0-2', '--eval-tasks', 'builtin:2-3', '--run', 'sp', '--report-to', 'jsonl,tensorbord']);
    expect(sp.err).toMatch(/error \[BAD_INPUT\]: unknown tracker "tensorbord".*\(at --report-to\)/);
    const demo = await epo(['demo', '--run', 'd', '--report-to', 'mlflow']);
    expect(demo.err).toContain('unknown tracker "mlflow"');
    expect(existsSync(join(runs, 'sp'))).toBe(false);
    expect(existsSync(join(runs, 'd'))).toBe(false);
  });

  it('train --engine llamafactory refuses it (LLaMA-Factory has its own report_to)', async () => {
    const r = await epo(['train', '--engine', 'llamafactory', '--dataset', join(runs, 'nowhere'), '--report-to', 'jsonl']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--report-to is for --engine builtin');
  });

  it('train --engine builtin writes one record per step and a TensorBoard file in --out', async () => {
    await initBackend();
    const text = 'Pick a door. Thought: go left. Thought: go right.';
    const tok = trainBpe([text], 280, SPECIAL_TOKENS);
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, max_position_embeddings: 64 },
      { bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot), tok.special(SPECIAL.eos)], pad: tok.special(SPECIAL.pad) }), 1);
    saveCheckpoint(join(runs, 'init'), { model, tokenizer: tok });
    const ds = join(runs, 'ds');
    mkdirSync(ds, { recursive: true });
    writeFileSync(join(ds, 'train.jsonl'), [0, 1, 2, 3].map((i) => JSON.stringify({ id: `e${i}`, messages: [{ role: 'user', content: 'Pick a door.' }, { role: 'assistant', content: `Thought: go ${i % 2 ? 'right' : 'left'}.`, weight: i % 2 }] })).join('\n') + '\n');
    const out = join(runs, 'ckpt');
    const r = await epo(['train', '--engine', 'builtin', '--dataset', ds, '--model', `local:${join(runs, 'init')}`, '--out', out, '--epochs', '2', '--batch-size', '2', '--report-to', 'jsonl', '--report-to', 'tensorboard']);
    expect(r.err).not.toContain('error');
    expect(r.out).toMatch(/^trained: 4\/4 steps/);
    const records = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((x) => x.name === 'train/loss').map((x) => x.step)).toEqual([1, 2, 3, 4]);
    expect(records.filter((x) => x.name === 'train/lr')).toHaveLength(4);
    const file = readdirSync(out).find((f) => f.startsWith('events.out.tfevents.'))!;
    const tags = readEvents(readFileSync(join(out, file))).flatMap((e) => e.values.map((v) => `${v.tag}@${e.step}`));
    expect(tags.filter((t) => t.startsWith('train/weight_mean'))).toEqual(['train/weight_mean@1', 'train/weight_mean@2', 'train/weight_mean@3', 'train/weight_mean@4']);
  }, 60_000);
});
