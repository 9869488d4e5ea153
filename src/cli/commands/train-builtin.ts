/** `epo train --engine builtin`: the EPO trainer on the built-in model, from a JSONL dataset (`dataset build --format jsonl`). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import type { ChatMessage } from '../../core/messages.js';
import { TRAIN_DEFAULTS, trainEpo, type TrainExample } from '../../train/trainer.js';
import { interruptible } from './demo.js';
import { parseNumber, RULES, type NumberRule } from './num.js';

/** Examples from a JSONL export: messages with `weight` on each assistant message. */
export function readJsonlExamples(path: string): TrainExample[] {
  if (!existsSync(path)) throw new EpoError('NOT_FOUND', `${path} does not exist; build the dataset with --format jsonl`, { where: '--dataset' });
  return readFileSync(path, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let rec: { id?: string; messages?: (ChatMessage & { weight?: number })[] };
    try { rec = JSON.parse(line); } catch (e) { throw new EpoError('BAD_DATA', `invalid JSON: ${(e as Error).message}`, { where: `${path}:${i + 1}` }); }
    if (!Array.isArray(rec.messages)) throw new EpoError('BAD_DATA', 'a line needs "messages"', { where: `${path}:${i + 1}` });
    const system = rec.messages[0]?.role === 'system' ? rec.messages[0].content : undefined;
    const messages = rec.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content }));
    const weights = rec.messages.filter((m) => m.role === 'assistant').map((m, k) => {
      if (typeof m.weight !== 'number') throw new EpoError('BAD_DATA', `assistant message ${k + 1} has no numeric weight`, { where: `${path}:${i + 1}` });
      return m.weight;
    });
    return [{ id: rec.id ?? `line-${i + 1}`, system, messages, weights }];
  });
}

export async function trainBuiltin(o: { dataset: string; model?: string; out?: string; epochs?: string; lr?: string; batchSize?: string; accum?: string; kl?: string; advantages?: string; seed?: string }): Promise<void> {
  if (!o.model) throw new EpoError('BAD_INPUT', 'the builtin engine needs --model <checkpoint dir>', { where: '--model' });
  if (!o.out) throw new EpoError('BAD_INPUT', 'the builtin engine needs --out <dir>', { where: '--out' });
  if (o.advantages && o.advantages !== 'signed' && o.advantages !== 'nonnegative') throw new EpoError('BAD_INPUT', '--advantages must be signed or nonnegative', { where: '--advantages' });
  const n = (flag: string, v: string | undefined, rule: NumberRule) => parseNumber(flag, v, rule);
  const settings = {
    epochs: n('--epochs', o.epochs, RULES.epochs) ?? TRAIN_DEFAULTS.epochs, lr: n('--lr', o.lr, RULES.learningRate) ?? TRAIN_DEFAULTS.lr,
    batchSize: n('--batch-size', o.batchSize, RULES.batch) ?? TRAIN_DEFAULTS.batchSize, accum: n('--accum', o.accum, RULES.batch) ?? 1,
    klCoef: n('--kl', o.kl, RULES.kl) ?? 0, seed: n('--seed', o.seed, RULES.seed) ?? 0,
  };
  const examples = readJsonlExamples(join(o.dataset, 'train.jsonl'));
  const stop = interruptible();
  try {
    const r = await trainEpo({
      ...TRAIN_DEFAULTS, init: o.model.replace(/^local:/, ''), out: o.out, examples, ...settings,
      advantages: (o.advantages as 'signed' | 'nonnegative') ?? 'signed',
      log: createLogger({ file: join(o.out, 'train.log.jsonl') }), signal: stop.signal,
    });
    process.stdout.write(`${r.alreadyDone ? 'already trained' : 'trained'}: ${r.steps}/${r.totalSteps} steps, final loss ${r.finalLoss.toFixed(4)}, ${r.examples} examples (${r.skipped} skipped) → local:${r.out}\n`);
  } finally { stop.dispose(); }
}
