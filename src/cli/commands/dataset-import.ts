/**
 * `epo dataset import --format epo-rl FILE`: the released EPO RL data (a JSON list or JSON Lines of ShareGPT records,
 * before or after the reference preprocessing) written as an epo dataset: the LLaMA-Factory files (with the cutoff
 * check) and `train.jsonl`, which `epo train` takes with either engine.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { importEpoRl, REFERENCE_PREPROCESS, type EpoRlForm } from '../../train/epo-rl-data.js';
import { CUTOFF_POLICIES, type CutoffPolicy } from '../../train/export/fit.js';
import { DATASET_FORMATS, writeDataset, type DatasetFormat } from '../../train/export/export-dataset.js';
import { yamlModelPath } from '../../train/export/base-model.js';
import { CHARS4, loadTokenCounter, tokenizerJsonPath } from '../../train/export/token-counters.js';
import { existsSync } from 'node:fs';
import { parseNumber, RULES } from '../num.js';

export const IMPORT_FORMATS = ['epo-rl'] as const;

interface ImportFlags {
  format: string; out?: string; to: string; form: string; scoreScale: string; gamma: string; env?: string; name: string;
  model: string; template: string; cutoffLen: string; onCutoff: string; tokenizer?: string;
}

/** Records from a JSON list or JSON Lines; errors name the file and line. */
export function readRecords(path: string): unknown[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new EpoError('NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`, { where: path }); }
  if (text.trimStart().startsWith('[')) {
    try { return JSON.parse(text) as unknown[]; } catch (e) { throw new EpoError('BAD_DATA', `invalid JSON: ${(e as Error).message}`, { where: path }); }
  }
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    try { return [JSON.parse(line) as unknown]; } catch (e) { throw new EpoError('BAD_DATA', `invalid JSON line: ${(e as Error).message}`, { where: `${path}:${i + 1}` }); }
  });
}

export function registerDatasetImport(cmd: Command): void {
  cmd.command('import')
    .description('import released RL data as a dataset for epo train / LLaMA-Factory: --format epo-rl reads the EPO release (Tongyi-ConvAI/EPO-RL-data), before preprocessing (trajectory score + location: weighted as the reference preprocessing.py does) or after (a score per gpt turn)')
    .argument('<file>', 'a JSON list or JSON Lines of ShareGPT records')
    .requiredOption('--format <f>', `input format: ${IMPORT_FORMATS.join(', ')}`)
    .option('--out <dir>', 'output folder (default: the file name without extension, in the current folder)')
    .option('--to <f>', `output format: ${DATASET_FORMATS.join(', ')} (both write train.jsonl)`, 'llamafactory')
    .option('--form <f>', 'auto (per record: after when gpt turns carry a score), before or after', 'auto')
    .option('--score-scale <n>', 'before form: the trajectory score is divided by this (10: SOTOPIA goal 0-10, as released; 1: ALFWorld/WebShop outcomes)', String(REFERENCE_PREPROCESS.scoreScale))
    .option('--gamma <g>', 'before form: discount γ', String(REFERENCE_PREPROCESS.gamma))
    .option('--env <name>', 'environment name recorded on each example (e.g. sotopia, alfworld, webshop)')
    .option('--name <name>', 'dataset name (LLaMA-Factory dataset_info key)', 'epo_rl')
    .option('--model <path>', 'model_name_or_path in the training YAML (a model folder with tokenizer.json also gives exact token counts)', 'meta-llama/Meta-Llama-3-8B-Instruct')
    .option('--template <t>', 'LLaMA-Factory chat template (llama3, qwen, mistral, …)', 'llama3')
    .option('--cutoff-len <n>', 'LLaMA-Factory cutoff_len for the cutoff check', '4096')
    .option('--on-cutoff <policy>', `what to do with an example whose scored turns would be cut: ${CUTOFF_POLICIES.join(', ')}`, 'drop')
    .option('--tokenizer <spec>', `token counter for the cutoff check: ${CHARS4}, hf:<model folder or tokenizer.json>, local:<checkpoint dir>; default hf:<--model> when it is a folder with tokenizer.json`)
    .action(async (file: string, o: ImportFlags) => {
      if (!IMPORT_FORMATS.includes(o.format as (typeof IMPORT_FORMATS)[number])) throw new EpoError('BAD_INPUT', `input format must be one of ${IMPORT_FORMATS.join(', ')}, got "${o.format}"`, { where: '--format' });
      if (!DATASET_FORMATS.includes(o.to as DatasetFormat)) throw new EpoError('BAD_INPUT', `output format must be one of ${DATASET_FORMATS.join(', ')}`, { where: '--to' });
      if (!['auto', 'before', 'after'].includes(o.form)) throw new EpoError('BAD_INPUT', `form must be auto, before or after, got "${o.form}"`, { where: '--form' });
      const scoreScale = parseNumber('--score-scale', o.scoreScale)!;
      if (!(scoreScale > 0)) throw new EpoError('BAD_INPUT', `score scale must be a positive number, got "${o.scoreScale}"`, { where: '--score-scale' });
      const gamma = parseNumber('--gamma', o.gamma, { min: 0, max: 1 })!;
      const cutoffLen = parseNumber('--cutoff-len', o.cutoffLen, { ...RULES.maxLen, min: 1 })!;
      const tokenizer = o.tokenizer ?? (existsSync(tokenizerJsonPath(o.model)) && o.model !== tokenizerJsonPath(o.model) ? `hf:${o.model}` : CHARS4);
      const source = basename(file);
      const ds = importEpoRl(readRecords(file), { source, scoreScale, gamma, form: o.form as EpoRlForm | 'auto', env: o.env });
      const out = o.out ?? basename(file, extname(file));
      const { record, manifest } = await writeDataset(ds, {
        out, format: o.to as DatasetFormat, name: o.name, model: yamlModelPath(o.model), template: o.template, cutoffLen, onCutoff: o.onCutoff as CutoffPolicy,
        countTokens: await loadTokenCounter(tokenizer), tokenizer: tokenizer === CHARS4 ? undefined : tokenizer,
        warn: (m) => process.stderr.write(`warn: ${m}\n`),
      });
      const c = record.counts, w = record.weights, forms = ds.record.import as { forms: Record<EpoRlForm, number> };
      const skipped = Object.entries(ds.record.counts.skipped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      process.stdout.write(`imported ${source}: ${c.examples} examples from ${ds.record.counts.episodes} records (${forms.forms.before} before preprocessing, ${forms.forms.after} after); skipped: ${skipped}\n`
        + `weights: min ${w.min.toFixed(3)}, mean ${w.mean.toFixed(3)}, max ${w.max.toFixed(3)}\n`
        + (record.export.cutoff ? `cutoff ${record.export.cutoff.cutoffLen} (${record.export.cutoff.tokenizer}${record.export.cutoff.exact ? ', exact' : ''}): ${record.export.cutoff.overflowing} over, ${record.export.cutoff.dropped} dropped, ${record.export.cutoff.trimmed} trimmed\n` : '')
        + `wrote ${Object.values(record.export.files).join(', ')}, ${manifest}\n`);
    });
}
