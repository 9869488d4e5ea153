/** `epo dataset build`: episodes + labels + a return rule → an RL dataset (LLaMA-Factory EPO format or JSONL). */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { makeRule, RULE_NAMES } from '../../rewards/returns.js';
import { CUTOFF_POLICIES, type CutoffPolicy } from '../../train/export/fit.js';
import { DATASET_FORMATS, exportDataset, type DatasetFormat } from '../../train/export/export-dataset.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlModelPath } from '../../train/export/base-model.js';
import { CHARS4, loadTokenCounter, registerTokenCounter, tokenizerJsonPath } from '../../train/export/token-counters.js';
import { existsSync } from 'node:fs';

/** `local:<checkpoint dir>`: the built-in model's byte-level BPE tokenizer (its tokenizer.json), loaded lazily. */
registerTokenCounter('local', async (dir) => {
  const { fromTokenizerJson } = await import('../../model/tokenizer/hf-json.js');
  const path = join(dir, 'tokenizer.json');
  let json: unknown;
  try { json = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new EpoError('NOT_FOUND', `cannot read the tokenizer: ${(e as Error).message}`, { where: path });
  }
  const tok = fromTokenizerJson(json, path);
  return (text) => tok.encode(text).length;
});
import { parseNumber, RULES } from '../num.js';
import { registerDatasetImport } from './dataset-import.js';

interface BuildFlags {
  runs: string; rule: string; out: string; format: string; labeler?: string; gamma?: string; processScale?: string; eps?: string;
  minOutcome?: string; dedup: boolean; val: string; seed: string; name: string; model: string; template: string;
  cutoffLen: string; onCutoff: string; cutoffCheck: boolean; evaluate?: boolean; tokenizer?: string;
}

export function registerDataset(program: Command): void {
  const cmd = program.command('dataset').description('build RL datasets for the strategist from labelled runs, or import released ones');
  cmd.command('build')
    .description('one example per strategist chat with a training weight per strategy turn; writes the data, manifest.json, and for llamafactory dataset_info.json and train_epo.yaml')
    .requiredOption('--runs <names>', 'comma-separated run names (or paths to run folders / .sqlite stores)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--rule <name>', `return rule: ${RULE_NAMES.join(', ')} (see docs/rewards.md)`, 'reference')
    .option('--format <f>', `output format: ${DATASET_FORMATS.join(', ')}`, 'llamafactory')
    .option('--labeler <name>', 'use the process rewards of this labeler (e.g. env, judge:openai:gpt-4o); episodes without its label are skipped. Omit for outcome only')
    .option('--gamma <g>', 'discount γ (default 0.99)')
    .option('--process-scale <λ>', 'scale of process rewards for discounted/baseline/grpo (default 1)')
    .option('--eps <ε>', 'added to the group standard deviation (grpo; default 1e-6)')
    .option('--min-outcome <R>', 'keep trajectories whose outcome (0..1) is at least this')
    .option('--no-dedup', 'keep identical chats')
    .option('--val <fraction>', 'fraction of task ids held out as a validation split', '0')
    .option('--seed <n>', 'seed of the validation split', '0')
    .option('--name <name>', 'dataset name (LLaMA-Factory dataset_info key)', 'epo_rl')
    .option('--model <path>', 'model_name_or_path in the training YAML (a model folder with tokenizer.json also gives exact token counts)', 'meta-llama/Meta-Llama-3-8B-Instruct')
    .option('--template <t>', 'LLaMA-Factory chat template (llama3, qwen, mistral, …; llama3 and qwen are counted exactly with a tokenizer.json)', 'llama3')
    .option('--cutoff-len <n>', 'LLaMA-Factory cutoff_len: scored turns beyond it are detected', '4096')
    .option('--tokenizer <spec>', `token counter for the cutoff check: ${CHARS4} (≈ characters/4), hf:<model folder or tokenizer.json> (exact: Llama-3, Qwen2, any byte-level BPE) or local:<checkpoint dir> (the built-in model's tokenizer); default: hf:<--model> when --model is a folder with tokenizer.json, else ${CHARS4}`)
    .option('--on-cutoff <policy>', `what to do with an example whose scored turns would be cut: ${CUTOFF_POLICIES.join(', ')}`, 'drop')
    .option('--evaluate', 'llamafactory: evaluate on the validation split during training (eval_dataset in the YAML)')
    .option('--no-cutoff-check', 'jsonl only: skip the token cutoff check')
    .action(async (o: BuildFlags) => {
      o.tokenizer ??= existsSync(tokenizerJsonPath(o.model)) && o.model !== tokenizerJsonPath(o.model) ? `hf:${o.model}` : CHARS4;
      if (!DATASET_FORMATS.includes(o.format as DatasetFormat)) throw new EpoError('BAD_INPUT', `format must be one of ${DATASET_FORMATS.join(', ')}`, { where: '--format' });
      const rule = makeRule(o.rule, {
        gamma: parseNumber('--gamma', o.gamma, { min: 0, max: 1 }),
        processScale: parseNumber('--process-scale', o.processScale),
        eps: parseNumber('--eps', o.eps, { min: 0 }),
      });
      const { record, manifest } = await exportDataset({
        runs: o.runs.split(',').map((s) => s.trim()).filter(Boolean), out: o.out, format: o.format as DatasetFormat, rule,
        labeler: o.labeler, minOutcome: parseNumber('--min-outcome', o.minOutcome), dedup: o.dedup,
        valFraction: parseNumber('--val', o.val, { min: 0, max: 1 }), seed: parseNumber('--seed', o.seed, RULES.seed),
        name: o.name, model: yamlModelPath(o.model), template: o.template, cutoffLen: parseNumber('--cutoff-len', o.cutoffLen, { ...RULES.maxLen, min: 1 }),
        countTokens: await loadTokenCounter(o.tokenizer), tokenizer: o.tokenizer === CHARS4 ? undefined : o.tokenizer,
        onCutoff: o.onCutoff as CutoffPolicy, noCutoffCheck: !o.cutoffCheck, evaluate: o.evaluate,
        warn: (m) => process.stderr.write(`warn: ${m}\n`),
      });
      const c = record.counts, w = record.weights;
      const skipped = Object.entries(c.skipped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      process.stdout.write(`dataset ${record.export.name}: ${c.examples} examples (${c.train} train, ${c.val} val) from ${c.episodes} episodes of ${record.sources.length} run(s)\n`
        + `rule ${rule.name} ${JSON.stringify(rule.params)}; labeler ${record.labeler ?? 'none (outcome only)'}\n`
        + `weights: min ${w.min.toFixed(3)}, mean ${w.mean.toFixed(3)}, max ${w.max.toFixed(3)}, negative ${(100 * w.negativeFraction).toFixed(1)}%\n`
        + `skipped: ${skipped}\n`
        + (record.export.cutoff ? `cutoff ${record.export.cutoff.cutoffLen} (${record.export.cutoff.tokenizer}): ${record.export.cutoff.overflowing} over, ${record.export.cutoff.dropped} dropped, ${record.export.cutoff.trimmed} trimmed\n` : '')
        + `wrote ${Object.values(record.export.files).join(', ')}, ${manifest}\n`);
    });
  registerDatasetImport(cmd);
}
