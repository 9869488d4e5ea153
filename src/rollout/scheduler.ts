/**
 * The rollout scheduler: many episodes in flight under a concurrency bound, with no batch barrier (a slot is refilled
 * the moment an episode finishes). Each finished episode is committed to the run store in its own transaction, so a
 * killed run resumes by skipping the ids already stored. A failed episode (e.g. a model endpoint that stays down
 * after retries) is logged and not stored, so the next run tries it again.
 */
import { setMaxListeners } from 'node:events';
import type { Episode } from '../core/episode.js';
import { describeError, EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';

export interface Shard {
  index: number;
  count: number;
}

/** Parse `i/n` (0-based: `0/4` … `3/4`). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new EpoError('BAD_INPUT', `shard "${s}" must be i/n with 0 ≤ i < n, e.g. 0/4`, { where: '--shard' });
  }
  return { index, count };
}

/** The items of one shard: every n-th item of the list starting at i (stable for a fixed task order). */
export const shardItems = <T>(items: readonly T[], shard?: Shard): T[] =>
  shard ? items.filter((_, k) => k % shard.count === shard.index) : [...items];

export interface EpisodeSink {
  finishedIds(): Set<string>;
  putEpisode(e: Episode): void;
}

export interface ScheduleOptions {
  concurrency: number;
  /** Abort an episode's signal after this long; the episode function decides how to end (reason "timeout"). */
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: Logger;
  onEpisode?(e: Episode, stats: ScheduleStats): void;
  onError?(id: string, error: unknown, stats: ScheduleStats): void;
}

export interface ScheduleStats {
  total: number;
  skipped: number;
  finished: number;
  failed: number;
  errors: { id: string; error: string }[];
}

export type EpisodeFn<I> = (item: I, signal: AbortSignal) => Promise<Episode>;

export async function runEpisodes<I extends { id: string }>(
  items: readonly I[], episode: EpisodeFn<I>, sink: EpisodeSink, opts: ScheduleOptions,
): Promise<ScheduleStats> {
  const log = opts.log ?? silentLogger;
  const done = sink.finishedIds();
  const todo = items.filter((it) => !done.has(it.id));
  const stats: ScheduleStats = { total: items.length, skipped: items.length - todo.length, finished: 0, failed: 0, errors: [] };
  if (stats.skipped) log.info(`resuming: ${stats.skipped} of ${items.length} episodes already finished`);
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  let next = 0;

  const worker = async () => {
    while (next < todo.length) {
      if (opts.signal?.aborted) return;
      const item = todo[next++];
      const ctrl = new AbortController();
      // every model call of the episode listens on this signal (HTTP clients may keep their listener until the
      // episode ends); it lives only as long as the episode, so many listeners are expected, not a leak
      setMaxListeners(0, ctrl.signal);
      const onAbort = () => ctrl.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = opts.timeoutMs ? setTimeout(() => ctrl.abort(new EpoError('MODEL_TIMEOUT', `episode timed out after ${opts.timeoutMs} ms`, { where: item.id })), opts.timeoutMs) : undefined;
      try {
        const e = await episode(item, ctrl.signal);
        if (opts.signal?.aborted) return; // interrupted by the user: do not store a cut-short episode
        sink.putEpisode(e);
        stats.finished++;
        opts.onEpisode?.(e, stats);
      } catch (err) {
        if (opts.signal?.aborted) return;
        stats.failed++;
        stats.errors.push({ id: item.id, error: describeError(err) });
        log.warn(`episode ${item.id} failed; it will be retried on the next run`, { error: describeError(err) });
        opts.onError?.(item.id, err, stats);
      } finally {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  return stats;
}
