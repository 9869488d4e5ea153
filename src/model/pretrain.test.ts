import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/log.js';
import { householdCorpus } from './corpus/household.js';
import { PRETRAIN_DEFAULTS, pretrain, readCorpus } from './pretrain.js';

describe('pretrain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epo-pretrain-'));
  const corpus = join(dir, 'corpus.jsonl');
  writeFileSync(corpus, householdCorpus(40, 3));
  const base = { ...PRETRAIN_DEFAULTS.tiny, corpus, size: 'tiny' as const, steps: 6, seqLen: 32, batchSize: 2, saveEvery: 3, logEvery: 3, vocabSize: 400, log: silentLogger, resume: false };

  it('reads chat, ShareGPT and text corpora and names the bad line', () => {
    const f = join(dir, 'mixed.jsonl');
    writeFileSync(f, '{"messages":[{"role":"user","content":"hi"}]}\n{"conversations":[{"from":"human","value":"a"},{"from":"gpt","value":"b"}]}\n{"text":"plain"}\n');
    expect(readCorpus(f)).toEqual([
      { kind: 'chat', messages: [{ role: 'user', content: 'hi' }] },
      { kind: 'chat', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] },
      { kind: 'text', text: 'plain' },
    ]);
    writeFileSync(f, '{"text":"ok"}\n{"oops":1}\n');
    expect(() => readCorpus(f)).toThrow(/mixed.jsonl:2/);
  });

  it('resumes from a checkpoint to exactly the weights of an uninterrupted run', async () => {
    const whole = join(dir, 'whole'), split = join(dir, 'split');
    const a = await pretrain({ ...base, out: whole });
    expect(a.steps).toBe(6);
    await pretrain({ ...base, out: split, steps: 6, maxMinutes: 0 }); // stops (and saves) after its first step
    expect(JSON.parse(readFileSync(join(split, 'trainer_state.json'), 'utf8')).step).toBe(1);
    const b = await pretrain({ ...base, out: split, resume: true });
    expect(b.steps).toBe(6);
    expect(b.finalLoss).toBe(a.finalLoss);
    expect(readFileSync(join(split, 'model.safetensors')).equals(readFileSync(join(whole, 'model.safetensors')))).toBe(true);
  });
});
