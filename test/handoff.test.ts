/**
 * The self-play hand-off to LLaMA-Factory: a served strategist is trained outside from the base model (`--base-model`),
 * never from its serving spec; the cutoff check counts Llama-3 tokens exactly; every file the YAML names exists where
 * `llamafactory-cli` looks it up; negative weights are warned about.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleActor } from '../src/agents/rule-actor.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { modelRef } from '../src/llm/spec.js';
import { makeRule } from '../src/rewards/returns.js';
import { selfPlay, type SelfPlayOptions } from '../src/selfplay/selfplay.js';
import { MODEL_FOLDER_FILES, resolveBaseModel } from '../src/train/export/base-model.js';
import { writeDataset } from '../src/train/export/export-dataset.js';
import type { Dataset } from '../src/train/dataset.js';
import { baseModelFolder } from './helpers/base-model.js';
import { doorsSuite } from './helpers/doors.js';

const suite = doorsSuite;

function options(root: string, extra: Partial<SelfPlayOptions>): SelfPlayOptions {
  const actor = ruleActor();
  return {
    run: 'sp', runsRoot: root, trainSuite: suite('train', 4), evalSuite: suite('eval', 2), strategist: 'scripted:doors',
    actor: { model: actor, ref: { spec: actor.spec } },
    makeStrategist: (spec) => ({ model: scriptedModel(['Thought: go right.'], { spec: 'scripted:doors', cycle: true }), ref: modelRef(spec, { temperature: 0 }) }),
    judge: 'env', rule: makeRule('reference'), iterations: 1, episodes: 4, concurrency: 2, showAdmissible: true, seed: 1, ...extra,
  };
}

describe('self-play hand-off to LLaMA-Factory', () => {
  it('refuses a served strategist without --base-model before running anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'epo-handoff-'));
    await expect(selfPlay(options(root, {}))).rejects.toThrow(/strategist scripted:doors is trained outside with LLaMA-Factory.*give --base-model/);
    expect(existsSync(join(root, 'sp'))).toBe(false);
    const bare = baseModelFolder({ config: false });
    await expect(selfPlay(options(root, { handoff: { model: bare } }))).rejects.toThrow(/the base model folder lacks config.json: LLaMA-Factory could not load it/);
    await expect(selfPlay(options(root, { handoff: { model: './no/such/folder' } }))).rejects.toThrow(/no model folder at \.\/no\/such\/folder/);
  });

  it('writes a YAML whose every file exists: base model folder, dataset_info.json entry, data, DeepSpeed config; exact Llama-3 counts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'epo-handoff-'));
    const base = baseModelFolder();
    const r = await selfPlay(options(root, { handoff: { model: base, template: 'llama3', cutoffLen: 4096 } }));
    expect(r.waiting).toBe(true);
    const ds = join(root, 'sp', 'it1-dataset');
    const yaml = parse(readFileSync(join(ds, 'train_epo.yaml'), 'utf8')) as Record<string, string>;
    expect(yaml.model_name_or_path).toBe(base);
    // as llamafactory-cli resolves them: the model folder's config and tokenizer files
    for (const f of [...MODEL_FOLDER_FILES, 'tokenizer.json']) expect(existsSync(join(yaml.model_name_or_path, f)), f).toBe(true);
    // dataset_dir/dataset_info.json[dataset].file_name, relative to dataset_dir
    const info = JSON.parse(readFileSync(join(yaml.dataset_dir, 'dataset_info.json'), 'utf8')) as Record<string, { file_name: string }>;
    const data = JSON.parse(readFileSync(join(yaml.dataset_dir, info[yaml.dataset].file_name), 'utf8')) as unknown[];
    expect(data.length).toBeGreaterThan(0);
    // the DeepSpeed config by absolute path (no LLaMA-Factory checkout needed as the working folder)
    expect(isAbsolute(yaml.deepspeed)).toBe(true);
    expect(JSON.parse(readFileSync(yaml.deepspeed, 'utf8'))).toMatchObject({ zero_optimization: { stage: 3, stage3_gather_16bit_weights_on_model_save: true }, bf16: { enabled: 'auto' } });
    const manifest = JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')) as { export: { cutoff: Record<string, unknown> } };
    expect(manifest.export.cutoff).toMatchObject({ tokenizer: `hf:${base}`, template: 'llama3', exact: true, overflowing: 0 });
    rmSync(root, { recursive: true, force: true });
  });

  it('a folder without a byte-level BPE tokenizer.json (e.g. SentencePiece only) hands off with estimated counts', async () => {
    const base = baseModelFolder({ tokenizer: false });
    const resolved = await resolveBaseModel(base, 'scripted:doors');
    expect(resolved.countTokens).toBeUndefined();
    expect(resolved).toMatchObject({ model: base, warning: expect.stringMatching(/^token counts for the cutoff check are estimated as characters\/4: cannot read the tokenizer/) });
    expect(await resolveBaseModel('meta-llama/Meta-Llama-3-8B-Instruct', 'scripted:doors')).toMatchObject({ model: 'meta-llama/Meta-Llama-3-8B-Instruct', warning: expect.stringMatching(/is a hub id/) });
  });
});

describe('negative weights in a LLaMA-Factory export', () => {
  it('warns that the EPO fork trains on them with no KL term', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-neg-'));
    const ex = (id: string, weights: number[]) => ({
      id, run: 'r', episodeId: id, env: 'doors', taskId: 't', messages: weights.flatMap((_, k) => [{ role: 'user' as const, content: `obs ${k}` }, { role: 'assistant' as const, content: `Thought: ${k}` }]),
      weights, rewards: weights, returns: weights, outcome: 0, split: 'train' as const,
    });
    const ds = { examples: [ex('a', [0.5, -1]), ex('b', [-0.2])], record: { rule: makeRule('grpo'), counts: { examples: 2 } } } as unknown as Dataset;
    const warnings: string[] = [];
    await writeDataset(ds, { out: dir, format: 'llamafactory', warn: (m) => warnings.push(m) });
    expect(warnings).toContainEqual(expect.stringMatching(/^2 strategy turn weight\(s\) are negative \(rule grpo\): the EPO fork of LLaMA-Factory trains on them as they are, with no KL term/));
    const quiet: string[] = [];
    await writeDataset({ ...ds, examples: [ex('c', [0.5, 1])] }, { out: dir, format: 'llamafactory', warn: (m) => quiet.push(m) });
    expect(quiet.filter((m) => m.includes('negative'))).toEqual([]);
  });
});
