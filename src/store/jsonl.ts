/**
 * JSON Lines export and import of episodes: one episode per line, lossless (the stored JSON is written as is), with
 * its process labels beside it (`labels`: one per labeler) and, when asked, its training weights (`weights`). Import
 * reads those two fields off the line: the episode is stored as it was, its labels as labels.
 */
import { closeSync, createReadStream, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { EpoError } from '../core/errors.js';
import { episodeShapeProblem } from './episode-shape.js';
import type { OnDamaged, RunStore } from './run-store.js';

/**
 * Write every readable episode of a store to `path`. The file is written beside the target under a temporary name
 * and renamed over it at the end, so a failed export leaves an earlier file at `path` as it was. Damaged episodes
 * go to `onDamaged` (without it, the first one fails the export).
 */
export interface ExportExtras {
  /** Each episode's labels, all labelers (default true). */
  labels?: boolean;
  /** Extra fields per episode (e.g. training weights), by id. */
  extra?(e: Episode): Record<string, unknown> | undefined;
}

export async function exportEpisodes(store: RunStore, path: string, onDamaged?: OnDamaged, extras: ExportExtras = {}): Promise<number> {
  const labelers = extras.labels === false ? [] : store.labelers().map((l) => l.labeler);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  let n = 0;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, 'w');
    for (const e of store.episodes(onDamaged)) {
      const labels = labelers.flatMap((l) => store.getLabel(e.id, l) ?? []);
      const more = extras.extra?.(e);
      writeSync(fd, JSON.stringify(labels.length || more ? { ...e, ...(labels.length ? { labels } : {}), ...more } : e) + '\n');
      n++;
    }
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    if (e instanceof EpoError) throw e;
    throw new EpoError('BAD_INPUT', `cannot write the export: ${(e as Error).message}`, { where: path, cause: e });
  }
  return n;
}

/** One episode of a JSON Lines file and where it is (`file:line`). */
export interface EpisodeLine {
  episode: Episode;
  where: string;
  /** The labels written beside it by an export. */
  labels?: Label[];
}

/** Fields an export adds beside an episode (not part of it). */
const BESIDE = ['labels', 'weights'] as const;

/** The episodes of a JSON Lines file, checked line by line; a bad line fails with its `file:line` and field. */
export async function* readEpisodes(path: string): AsyncGenerator<EpisodeLine> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => { input.once('ready', () => resolve()); input.once('error', reject); });
  try {
    await opened;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EpoError('NOT_FOUND', 'episodes file not found', { where: path });
    throw new EpoError('BAD_INPUT', `cannot read the episodes file: ${(e as Error).message}`, { where: path, cause: e });
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    const where = `${path}:${lineNo}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new EpoError('BAD_DATA', `not valid JSON: ${(e as Error).message}`, { where });
    }
    const problem = episodeShapeProblem(obj);
    if (problem) throw new EpoError('BAD_DATA', problem.message, { where, details: problem.field ? { field: problem.field } : undefined });
    const { labels, ...episode } = obj as Episode & { labels?: unknown };
    for (const k of BESIDE) delete (episode as Record<string, unknown>)[k];
    if (labels !== undefined && !(Array.isArray(labels) && labels.every((l) => typeof l?.labeler === 'string' && Array.isArray(l.rewards) && l.rewards.every((r: unknown) => typeof r === 'number')))) {
      throw new EpoError('BAD_DATA', 'field labels must be a list of labels, each with a labeler and per-turn rewards (numbers)', { where, details: { field: 'labels' } });
    }
    yield { episode: episode as Episode, where, ...(labels ? { labels: labels as Label[] } : {}) };
  }
}
