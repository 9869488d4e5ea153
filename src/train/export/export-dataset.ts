/**
 * `dataset build` end to end: open the source runs, build the weighted dataset, check the token cutoff, write the
 * chosen format and a `manifest.json` (the dataset record: rule, parameters, labeler, sources, code version, counts,
 * cutoff check), and record the dataset in every source run's store.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import type { CountTokens } from './cutoff.js';
import { buildDataset, type BuildOptions, type Dataset, type DatasetRecord } from '../dataset.js';
import { fitToCutoff, type CutoffPolicy, type FitCounts } from './fit.js';
import { writeJsonl } from './jsonl.js';
import { writeLlamaFactory } from './llamafactory.js';

/** The EPO fork of LLaMA-Factory pads each example's score vector to this length (reference §1.E). */
export const SCORE_PAD_LENGTH = 41;

export type DatasetFormat = 'llamafactory' | 'jsonl';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['llamafactory', 'jsonl'];

/** How a built dataset is written: the format, the LLaMA-Factory settings, the cutoff check. */
export interface WriteOptions {
  out: string;
  format: DatasetFormat;
  name?: string;
  model?: string;
  template?: string;
  cutoffLen?: number;
  onCutoff?: CutoffPolicy;
  countTokens?: CountTokens;
  tokenizer?: string;
  /** LLaMA-Factory: evaluate on the validation split during training. */
  evaluate?: boolean;
  /** Skip the cutoff check (jsonl only; the llamafactory export always checks). */
  noCutoffCheck?: boolean;
  warn?(msg: string): void;
}

export interface ExportOptions extends BuildOptions, WriteOptions {
  /** Run names (folders under the runs directory) or paths to run stores (.sqlite). */
  runs: string[];
}

export interface ExportResult {
  record: DatasetRecord & { export: { format: DatasetFormat; name: string; out: string; files: Record<string, string>; cutoff?: FitCounts } };
  manifest: string;
}

function openRun(ref: string): { name: string; store: RunStore } {
  if (ref.endsWith('.sqlite') || ref.includes('/')) {
    const path = ref.endsWith('.sqlite') ? ref : join(ref, 'epo.sqlite');
    if (!existsSync(path)) throw new EpoError('NOT_FOUND', `no run store at ${path}`, { where: '--runs' });
    return { name: ref, store: RunStore.open(path) };
  }
  const r = existingRunDir(ref);
  return { name: ref, store: RunStore.open(r.store) };
}

export async function exportDataset(o: ExportOptions): Promise<ExportResult> {
  if (!DATASET_FORMATS.includes(o.format)) throw new EpoError('BAD_INPUT', `format must be one of ${DATASET_FORMATS.join(', ')}`, { where: '--format' });
  if (o.runs.length === 0) throw new EpoError('BAD_INPUT', 'name at least one run', { where: '--runs' });
  const runs = o.runs.map(openRun);
  try {
    const known = [...new Set(runs.flatMap((r) => r.store.labelers().map((l) => l.labeler)))];
    if (!o.labeler && known.length) o.warn?.(`no --labeler given, so process rewards are ignored (outcome only); these runs have labels from: ${known.join(', ')}`);
    if (o.labeler && !known.includes(o.labeler)) {
      throw new EpoError('NOT_FOUND', `no episode of ${o.runs.join(', ')} has a label from "${o.labeler}"; known labelers: ${known.join(', ') || 'none (run epo label first)'}`, { where: '--labeler' });
    }
    const ds = buildDataset(runs.map((r) => ({ name: r.name, episodes: () => r.store.episodes(), getLabel: (id, l) => r.store.getLabel(id, l) })), o);
    const result = await writeDataset(ds, o);
    for (const r of runs) r.store.putDataset(`${result.record.export.name}@${resolve(o.out)}`, result.record);
    return result;
  } finally {
    for (const r of runs) r.store.close();
  }
}

/**
 * The EPO fork's loss is −Σ weight · log-likelihood with no KL term and no reference model (reference §1.F): a
 * negative weight (the baseline and grpo rules give them) pushes the turn's probability down without bound.
 */
export function negativeWeightsWarning(count: number, rule: string): string {
  return `${count} strategy turn weight(s) are negative (rule ${rule}): the EPO fork of LLaMA-Factory trains on them as they are, with no KL term or reference model to bound the update, so training can drift or collapse; use --rule reference or discounted for that trainer, or the in-process trainer`;
}

/**
 * Write a built dataset: the cutoff check (always for LLaMA-Factory, which would cut scored turns silently), the
 * format's files and `manifest.json`. `epo dataset build` and the self-play hand-off both write through here.
 */
export async function writeDataset(ds: Dataset, o: WriteOptions): Promise<ExportResult> {
  if (!DATASET_FORMATS.includes(o.format)) throw new EpoError('BAD_INPUT', `format must be one of ${DATASET_FORMATS.join(', ')}`, { where: '--format' });
  let examples = ds.examples;
  let cutoff: FitCounts | undefined;
  const checkCutoff = o.format === 'llamafactory' || !o.noCutoffCheck;
  if (checkCutoff) {
    if (!o.countTokens) o.warn?.('no tokenizer given (--tokenizer): token counts for the cutoff check are estimated as characters/4');
    const fit = fitToCutoff(examples, {
      cutoffLen: o.cutoffLen ?? 4096, policy: o.onCutoff ?? 'drop', countTokens: o.countTokens,
      tokenizer: o.tokenizer ?? 'chars/4 estimate', template: o.template ?? 'llama3',
    });
    examples = fit.examples;
    cutoff = fit.counts;
    if (cutoff.overflowing) o.warn?.(`${cutoff.overflowing} example(s) have scored turns beyond cutoff_len ${cutoff.cutoffLen}: ${cutoff.dropped} dropped, ${cutoff.trimmed} trimmed, ${cutoff.keptTruncated} kept (policy ${cutoff.policy})`);
  }
  if (o.format === 'llamafactory') {
    const negative = examples.reduce((n, x) => n + x.weights.filter((w) => w < 0).length, 0);
    if (negative) o.warn?.(negativeWeightsWarning(negative, ds.record.rule.name));
    const long = examples.filter((x) => x.weights.length > SCORE_PAD_LENGTH).length;
    if (long) o.warn?.(`${long} example(s) have more than ${SCORE_PAD_LENGTH} scored turns: the EPO fork pads score vectors to ${SCORE_PAD_LENGTH}, so keep per_device_train_batch_size at 1`);
  }
  mkdirSync(o.out, { recursive: true });
  const name = o.name ?? 'epo_rl';
  // JSON Lines always (any trainer reads it; it keeps each example's seat, rewards and returns), LLaMA-Factory's files beside
  const jsonl = await writeJsonl(o.out, examples);
  const files: Record<string, string> = o.format === 'llamafactory'
    ? { ...writeLlamaFactory(o.out, examples, { name, model: o.model ?? 'meta-llama/Meta-Llama-3-8B-Instruct', template: o.template ?? 'llama3', cutoffLen: o.cutoffLen ?? 4096, evaluate: o.evaluate }), jsonl: jsonl.train }
    : { ...jsonl };
  const val = examples.filter((x) => x.split === 'val').length;
  const record = {
    ...ds.record,
    counts: { ...ds.record.counts, examples: examples.length, train: examples.length - val, val },
    export: { format: o.format, name, out: resolve(o.out), files, ...(cutoff ? { cutoff } : {}) },
  };
  const manifest = join(o.out, 'manifest.json');
  writeFileSync(manifest, JSON.stringify(record, null, 2) + '\n');
  return { record, manifest };
}
