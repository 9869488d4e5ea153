/**
 * A generic export for other trainers: JSON Lines, one example per line, the chat as OpenAI-style messages with the
 * training weight on each assistant message, plus the per-turn rewards and returns. `train.jsonl` and `val.jsonl`.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ChatMessage } from '../../core/messages.js';
import { EpoError } from '../../core/errors.js';
import type { DatasetExample } from '../dataset.js';
import type { TrainExample } from '../trainer.js';

export interface WeightedMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  weight?: number;
}

export interface JsonlRecord {
  id: string;
  run: string;
  episode_id: string;
  env: string;
  task_id: string;
  seat?: number;
  outcome: number;
  messages: WeightedMessage[];
  weights: number[];
  rewards: number[];
  returns: number[];
}

export function toJsonlRecord(ex: DatasetExample): JsonlRecord {
  let k = 0;
  const messages: WeightedMessage[] = ex.system === undefined ? [] : [{ role: 'system', content: ex.system }];
  for (const m of ex.messages) messages.push(m.role === 'assistant' ? { role: 'assistant', content: m.content, weight: ex.weights[k++] } : { role: m.role, content: m.content });
  return {
    id: ex.id, run: ex.run, episode_id: ex.episodeId, env: ex.env, task_id: ex.taskId, ...(ex.seat === undefined ? {} : { seat: ex.seat }),
    outcome: ex.outcome, messages, weights: ex.weights, rewards: ex.rewards, returns: ex.returns,
  };
}

export async function writeJsonl(dir: string, examples: readonly DatasetExample[]): Promise<{ train: string; val?: string }> {
  mkdirSync(dir, { recursive: true });
  const write = async (path: string, xs: readonly DatasetExample[]) => {
    const out = createWriteStream(path, { encoding: 'utf8' });
    for (const x of xs) if (!out.write(JSON.stringify(toJsonlRecord(x)) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    out.end();
    await finished(out);
  };
  const train = join(dir, 'train.jsonl');
  await write(train, examples.filter((x) => x.split === 'train'));
  const val = examples.filter((x) => x.split === 'val');
  if (!val.length) { rmSync(join(dir, 'val.jsonl'), { force: true }); return { train }; } // no stale split from an earlier build
  await write(join(dir, 'val.jsonl'), val);
  return { train, val: join(dir, 'val.jsonl') };
}

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
