/** JSON Lines export and import of episodes: one episode per line, lossless (the stored JSON is written as is). */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { Episode } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import type { RunStore } from './run-store.js';

export async function exportEpisodes(store: RunStore, path: string): Promise<number> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let n = 0;
  for (const e of store.episodes()) {
    if (!out.write(JSON.stringify(e) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    n++;
  }
  out.end();
  await finished(out);
  return n;
}

const REQUIRED: (keyof Episode)[] = ['id', 'run', 'env', 'taskId', 'trial', 'seed', 'turns', 'outcome'];

export async function* readEpisodes(path: string): AsyncGenerator<Episode> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new EpoError('BAD_DATA', `not valid JSON: ${(e as Error).message}`, { where: `${path}:${lineNo}` });
    }
    const missing = REQUIRED.filter((k) => (obj as Record<string, unknown>)[k] === undefined);
    if (missing.length) throw new EpoError('BAD_DATA', `episode is missing field(s) ${missing.join(', ')}`, { where: `${path}:${lineNo}` });
    yield obj as Episode;
  }
}

export async function importEpisodes(store: RunStore, path: string): Promise<number> {
  const batch: Episode[] = [];
  let n = 0;
  for await (const e of readEpisodes(path)) {
    batch.push(e);
    if (batch.length >= 500) n += store.putEpisodes(batch.splice(0));
  }
  return n + store.putEpisodes(batch);
}
