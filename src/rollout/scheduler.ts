/**
 * The rollout scheduler: many episodes in flight under a concurrency bound, with no batch barrier (a slot is refilled
 * the moment an episode finishes). Each finished episode is committed to the run store in its own transaction, so a
 * killed run resumes by skipping the ids already stored. Items are pulled from the plan one at a time (plan.ts), so
 * a huge plan costs no memory. A failed episode (a model endpoint that stays down after retries, or an episode cut
 * by its time limit: infrastructure, not the task) is logged and not stored, so the next run tries it again.
 */
import { setMaxListeners } from 'node:events';
import type { Episode } from '../core/episode.js';
import { describeError, EpoError, isEpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { forEachPooled } from '../core/pool.js';
import { arrayPlan, planHas, shardPlan, type Plan, type Shard } from './plan.js';

export type { Plan, Shard } from './plan.js';

/** Parse `i/n` (0-based: `0/4` … `3/4`). */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new EpoError('BAD_INPUT', `shard "${s}" must be i/n with 0 ≤ i < n, e.g. 0/4`, { where: '--shard' });
  }
  return { index, count };
}

const asPlan = <I extends { id: string }>(items: Plan<I> | readonly I[]): Plan<I> => (Array.isArray(items) ? arrayPlan(items as readonly I[]) : items as Plan<I>);

/** The items of one shard: every n-th item starting at i (stable for a fixed task order), still produced on demand. */
export const shardItems = <I extends { id: string }>(items: Plan<I> | readonly I[], shard?: Shard): Plan<I> => shardPlan(asPlan(items), shard);

export interface EpisodeSink {
  finishedIds(): Set<string>;
  putEpisode(e: Episode): void;
}

export interface ScheduleOptions {
  concurrency: number;
  /** Abort an episode's signal after this long (a MODEL_TIMEOUT reason): the episode fails and is not stored. */
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
  /** Failed episodes by kind (`timeout`, an error code, or `error`). */
  failedBy: Record<string, number>;
  /** The first failures (at most MAX_ERRORS), for the report. */
  errors: { id: string; kind: string; error: string }[];
}

const MAX_ERRORS = 20;

/** What kind of failure an episode had: `timeout` (its time limit or a request's), an error code, or `error`. */
export function failureKind(e: unknown): string {
  if (isEpoError(e, 'MODEL_TIMEOUT')) return 'timeout';
  return isEpoError(e) ? e.code : 'error';
}

/** One line for the user: how many episodes failed, of which kinds, that they are retried, and the first error. */
export function failureLine(stats: ScheduleStats): string {
  const kinds = Object.entries(stats.failedBy).map(([k, n]) => (Object.keys(stats.failedBy).length > 1 ? `${n} ${k}` : k)).join(', ');
  const first = stats.errors[0];
  return `${stats.failed} episode${stats.failed === 1 ? '' : 's'} failed (${kinds}) and ${stats.failed === 1 ? 'was' : 'were'} not stored; re-run to retry them`
    + (first ? ` (first: ${first.id}: ${first.error})` : '');
}

/** Plays one episode; when its signal aborts before the episode ends it throws (the signal's reason), so a cut-short
 *  episode is never stored as finished. */
export type EpisodeFn<I> = (item: I, signal: AbortSignal) => Promise<Episode>;

export async function runEpisodes<I extends { id: string }>(
  items: Plan<I> | readonly I[], episode: EpisodeFn<I>, sink: EpisodeSink, opts: ScheduleOptions,
): Promise<ScheduleStats> {
  const log = opts.log ?? silentLogger;
  const plan = asPlan(items);
  const done = sink.finishedIds();
  let skipped = 0;
  for (const id of done) if (planHas(plan, id)) skipped++;
  const stats: ScheduleStats = { total: plan.size, skipped, finished: 0, failed: 0, failedBy: {}, errors: [] };
  if (stats.skipped) log.info(`resuming: ${stats.skipped} of ${stats.total} episodes already finished`);
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const todo = (function* () { for (const it of plan) if (!done.has(it.id)) yield it; })();

  await forEachPooled(todo, Math.min(concurrency, Math.max(1, stats.total - stats.skipped)), async (item) => {
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
      const kind = failureKind(err);
      stats.failed++;
      stats.failedBy[kind] = (stats.failedBy[kind] ?? 0) + 1;
      if (stats.errors.length < MAX_ERRORS) stats.errors.push({ id: item.id, kind, error: describeError(err) });
      log.warn(`episode ${item.id} failed (${kind}); it will be retried on the next run`, { error: describeError(err) });
      opts.onError?.(item.id, err, stats);
    } finally {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }, opts.signal);
  return stats;
}
