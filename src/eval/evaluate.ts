/**
 * Run an evaluation into a run store: many episodes in flight (bounded, no batch barrier), each finished episode
 * committed at once, resume by skipping stored episodes, live progress with ETA, tokens and cost, then a summary
 * over the stored episodes of this selection. A run keeps one protocol: resuming with other models, mode, split,
 * seed or step limit is refused, so a run never mixes conditions. A run with no stored episode (e.g. every episode
 * failed) has nothing to mix: its protocol is replaced, and the log says so.
 */
import { writeFileSync } from 'node:fs';
import { episodeId, episodeUsage, type Episode } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { formatSeconds } from '../core/progress.js';
import { deriveSeed } from '../core/random.js';
import type { Task } from '../core/env.js';
import { codeVersion } from '../core/version.js';
import { ensureRunDir, existingRunDir } from '../store/run-dir.js';
import { lockRun } from '../store/run-lock.js';
import { RunStore, type OnDamaged } from '../store/run-store.js';
import { runEpisode, type Mode, type RoleModel } from '../rollout/episode.js';
import { gridPlan } from '../rollout/plan.js';
import { runEpisodes, shardItems, type ScheduleStats, type Shard } from '../rollout/scheduler.js';
import { summarise, type Protocol, type Summary } from './report.js';
import type { Suite } from './suite.js';

export interface EvalOptions<T extends Task> {
  suite: Suite<T>;
  run: string;
  runsRoot?: string;
  mode: Mode;
  strategist?: RoleModel;
  actor: RoleModel;
  concurrency: number;
  maxSteps?: number;
  trials?: number;
  seed?: number;
  shard?: Shard;
  timeoutMs?: number;
  showAdmissible?: boolean;
  systemRole?: boolean;
  signal?: AbortSignal;
  log?: Logger;
  /** The command's resolved configuration (YAML), written to the run folder once the run is this one's. */
  config?: string;
  /** Called with a one-line status after each episode (the CLI draws it). */
  onProgress?(line: string, done: number, total: number): void;
}

export interface EvalResult {
  summary: Summary;
  stats: ScheduleStats;
  storePath: string;
}

/** Fields that must match when a run is resumed. */
const FIXED: (keyof Protocol)[] = ['protocol', 'env', 'split', 'selection', 'mode', 'models', 'seed', 'maxSteps', 'showAdmissible', 'dataVersion', 'example', 'trials'];

export async function evaluate<T extends Task>(o: EvalOptions<T>): Promise<EvalResult> {
  const log = o.log ?? silentLogger;
  const s = o.suite;
  const trials = o.trials ?? 1, seed = o.seed ?? 0, maxSteps = o.maxSteps ?? s.maxSteps;
  if (o.mode === 'epo' && !o.strategist) throw new EpoError('BAD_INPUT', 'mode epo needs a strategist model', { where: '--strategist' });
  if (o.mode === 'single' && !o.strategist) throw new EpoError('BAD_INPUT', 'mode single needs a model (given as --strategist)', { where: '--strategist' });
  const models: Protocol['models'] = o.mode === 'actor-only' ? { actor: o.actor.ref }
    : o.mode === 'single' ? { strategist: o.strategist!.ref, actor: o.strategist!.ref }
      : { strategist: o.strategist!.ref, actor: o.actor.ref };
  const protocol: Protocol = {
    protocol: s.protocol ?? 'epo', env: s.env, dataVersion: s.dataVersion, split: s.split, ...(s.selection ? { selection: s.selection } : {}), taskCount: s.tasks.length, trials, mode: o.mode, models,
    seed, maxSteps, showAdmissible: !!o.showAdmissible, example: s.exampleName, codeVersion: codeVersion(),
    ...(o.shard ? { shard: `${o.shard.index}/${o.shard.count}` } : {}), ...(s.typeNames ? { typeNames: s.typeNames } : {}),
  };

  const dir = ensureRunDir(o.run, o.runsRoot);
  const lock = lockRun(dir); // one writer per run: a second process would play (and pay for) the same episodes
  let store: RunStore;
  try {
    store = RunStore.open(dir.store);
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    const before = withProtocolName(store.getMeta<Protocol>('protocol'));
    const changed = before ? FIXED.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(protocol[k])) : [];
    if (changed.length && store.countEpisodes() > 0) {
      const k = changed[0];
      throw new EpoError('BAD_INPUT', `run "${o.run}" was started with ${k} = ${JSON.stringify(before![k])}, not ${JSON.stringify(protocol[k])}; resume with the same settings or choose another --run`, { where: dir.store });
    }
    if (changed.length) log.info(`run "${o.run}" holds no finished episode: its protocol is replaced (${changed.map((k) => `${k} ${JSON.stringify(before![k])} → ${JSON.stringify(protocol[k])}`).join('; ')})`);
    store.setMeta('protocol', protocol);
    store.setMeta('kind', 'eval');
    if (o.config) writeFileSync(dir.config, o.config);

    // planned on demand: tasks × trials is never listed in memory
    const items = shardItems(gridPlan({ entries: s.tasks, key: (task) => task.id, trials, order: 'entry', item: (task, trial) => ({ id: episodeId(task.id, trial), task, trial }) }), o.shard);
    const setup = {
      run: o.run, mode: o.mode, prompts: s.prompts, example: s.example?.bind(s), layout: s.layout, protocol: protocol.protocol, strategist: o.strategist, actor: o.actor,
      maxSteps, showAdmissible: o.showAdmissible, systemRole: o.systemRole, outcome: s.outcome, codeVersion: protocol.codeVersion,
      dataVersion: s.dataVersion, taskRecord: s.taskRecord,
    };
    const t0 = Date.now();
    let tokens = 0, cost = 0, wins = 0;
    const total = items.size;
    const stats = await runEpisodes(items, (it, signal) => runEpisode(setup, { task: it.task, env: s.makeEnv(), trial: it.trial, seed: deriveSeed(seed, it.task.id, it.trial), signal }), store, {
      concurrency: o.concurrency, timeoutMs: o.timeoutMs, signal: o.signal, log,
      onEpisode(e, st) {
        const u = episodeUsage(e);
        tokens += u.promptTokens + u.completionTokens; cost += u.costUsd ?? 0; if (e.outcome.success) wins++;
        const n = st.finished, left = st.total - st.skipped - n - st.failed;
        const secs = (Date.now() - t0) / 1000;
        const eta = n > 0 ? formatSeconds((secs / n) * left) : '?';
        const line = `${st.skipped + n}/${st.total} episodes · success ${wins}/${n} · ${(n / Math.max(secs, 1e-3) * 60).toFixed(1)}/min · eta ${eta} · ${Math.round(tokens / n)} tok/ep · $${cost.toFixed(4)}`;
        log.debug(`episode ${e.id} ${e.outcome.reason} reward=${e.outcome.reward}`, { turns: e.turns.length });
        o.onProgress?.(line, st.skipped + n, total);
      },
    });
    const episodes: Episode[] = [];
    for (const e of store.episodes()) if (items.position(e.id) >= 0) episodes.push(e);
    const summary = summarise(o.run, protocol, episodes);
    store.setMeta('summary', { episodes: summary.episodes, at: new Date().toISOString() });
    return { summary, stats, storePath: dir.store };
  } finally {
    store.close();
    lock.release();
  }
}

/** A stored protocol record; records written before protocols had names are epo's own. */
const withProtocolName = (p: Protocol | undefined): Protocol | undefined => (p && { ...p, protocol: p.protocol ?? 'epo' });

/** Summary of an existing run from its stored protocol (after a merge, or to re-print); see RunStore.episodes for onDamaged. */
export function summariseRun(run: string, runsRoot?: string, onDamaged?: OnDamaged): Summary {
  const dir = existingRunDir(run, runsRoot);
  const store = RunStore.open(dir.store);
  try {
    const protocol = withProtocolName(store.getMeta<Protocol>('protocol'));
    if (!protocol) throw new EpoError('BAD_INPUT', `run "${run}" has no evaluation protocol (not made by epo eval)`, { where: dir.store });
    return summarise(run, protocol, [...store.episodes(onDamaged)]);
  } finally {
    store.close();
  }
}
