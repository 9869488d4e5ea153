/**
 * A generic export for other trainers: JSON Lines, one example per line, the chat as OpenAI-style messages with the
 * training weight on each assistant message, plus the per-turn rewards and returns. `train.jsonl` and `val.jsonl`.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { DatasetExample } from '../dataset.js';

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
