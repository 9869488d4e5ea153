/**
 * Run SOTOPIA episodes into a run store, the one path `epo eval sotopia` and the self-play arena share: the run keeps
 * one configuration (refused when it differs, unless nothing has finished yet), episodes in flight are bounded and
 * resumable, and episodes whose evaluation failed earlier are evaluated again (their dialogue is kept). What is still
 * unevaluated afterwards is returned: the CLI retries it on the next run, the arena stops the loop.
 */
import type { Episode, ModelRef } from '../core/episode.js';
import { describeError, EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { deriveSeed } from '../core/random.js';
import { codeVersion } from '../core/version.js';
import type { EpisodeRules } from '../envs/sotopia/episode-rules.js';
import type { HardEntry } from '../envs/sotopia/hard.js';
import type { Character, Combo, Scenario } from '../envs/sotopia/profiles.js';
import type { ChatModel } from '../llm/model.js';
import { planHas, type Plan } from '../rollout/plan.js';
import { runEpisodes, type ScheduleStats } from '../rollout/scheduler.js';
import { evaluateSotopiaEpisode, runSotopiaEpisode, type Seat, type SeatAgents, type SotopiaEvaluation, type SotopiaSampling } from '../rollout/sotopia.js';
import type { SotopiaProtocol } from '../rollout/sotopia-protocol.js';
import { ensureRunDir } from '../store/run-dir.js';
import { RunStore } from '../store/run-store.js';

export interface SotopiaPlanned {
  id: string;
  taskId: string;
  trial: number;
  combo: Combo;
  testSeats: Seat[];
}

export interface SotopiaRunOptions<I extends SotopiaPlanned> {
  run: string;
  runsRoot?: string;
  plan: Plan<I>;
  /** The scenario and characters of a combo. */
  task(combo: Combo): { scenario: Scenario; characters: [Character, Character] };
  /** Who plays each seat of an episode. */
  seats(item: I): [SeatAgents, SeatAgents];
  evaluator: ChatModel;
  models: Record<string, ModelRef>;
  rules: EpisodeRules;
  /** Rules and request layouts (default: epo's with `rules`); its rules win over `rules`. */
  protocol?: SotopiaProtocol;
  sampling: Partial<SotopiaSampling>;
  /** The run seed: episode seeds derive from it, the task and the trial. */
  seed: number;
  dataVersion: string;
  /** The configuration stored with the run (what `epo sotopia report` reads); a resumed run must have the same. */
  config: Record<string, unknown>;
  /** Fields of `config` that may change between runs (e.g. `trials`, which only adds episodes). */
  mayChange?: string[];
  hard?: readonly HardEntry[];
  concurrency: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: Logger;
  onEpisode?(e: Episode, stats: ScheduleStats): void;
  /** What to keep of each planned episode in the result (e.g. a light copy for reports on big runs). */
  keep?(e: Episode): Episode;
}

export interface SotopiaRunResult {
  /** The planned episodes in the store, after re-evaluation. */
  episodes: Episode[];
  stats: ScheduleStats;
  /** Planned episodes still without a usable evaluation (id and why). */
  unevaluated: { id: string; error: string }[];
  interrupted: boolean;
}

export async function runSotopia<I extends SotopiaPlanned>(o: SotopiaRunOptions<I>): Promise<SotopiaRunResult> {
  const log = o.log ?? silentLogger;
  const dir = ensureRunDir(o.run, o.runsRoot);
  const store = RunStore.open(dir.store);
  try {
    const comparable = (c: Record<string, unknown>) => JSON.stringify({ ...c, ...Object.fromEntries((o.mayChange ?? []).map((k) => [k, null])) });
    const previous = store.getMeta<Record<string, unknown>>('sotopia');
    if (previous && comparable(previous) !== comparable(o.config)) {
      // a run with no stored episode (e.g. every one failed) has nothing to mix conditions with
      if (store.countEpisodes() > 0) throw new EpoError('BAD_INPUT', `run "${o.run}" was started with a different configuration (${JSON.stringify(previous)}); use another --run name`, { where: dir.store });
      log.info(`run "${o.run}" holds no finished episode: its configuration is replaced (was ${JSON.stringify(previous)})`);
    }
    store.setMeta('sotopia', o.config);
    store.setMeta('sotopia_hard', o.hard ?? []);

    const stats = await runEpisodes(o.plan, (item, signal) => {
      const { scenario, characters } = o.task(item.combo);
      return runSotopiaEpisode({
        id: item.id, taskId: item.taskId, trial: item.trial, seed: deriveSeed(o.seed, item.taskId, item.trial), run: o.run,
        combo: item.combo, scenario, characters, seats: o.seats(item), evaluator: o.evaluator, testSeats: item.testSeats,
        models: o.models, rules: o.rules, protocol: o.protocol, sampling: o.sampling, codeVersion: codeVersion(), dataVersion: o.dataVersion, signal,
      });
    }, store, { concurrency: o.concurrency, timeoutMs: o.timeoutMs, signal: o.signal, log, onEpisode: o.onEpisode });
    if (o.signal?.aborted) return { episodes: [], stats, unevaluated: [], interrupted: true };

    const unevaluated: { id: string; error: string }[] = [];
    const pending: string[] = [];
    for (const e of store.episodes()) if (planHas(o.plan, e.id) && !(e.evaluation as SotopiaEvaluation | undefined)?.ok) pending.push(e.id);
    for (const id of pending) {
      const e = store.getEpisode(id)!;
      log.info(`re-evaluating ${id}`);
      try {
        await evaluateSotopiaEpisode(e, o.evaluator, { sampling: o.sampling, signal: o.signal, protocol: o.protocol });
      } catch (err) {
        if (o.signal?.aborted) return { episodes: [], stats, unevaluated: [], interrupted: true };
        unevaluated.push({ id, error: describeError(err) });
        continue;
      }
      const ev = e.evaluation as unknown as SotopiaEvaluation;
      if (!ev.ok) { unevaluated.push({ id, error: ev.error ?? 'no usable answer' }); continue; }
      const { labelsDropped } = store.replaceEpisode(e); // the new evaluation changes the outcome its labels were made for
      if (labelsDropped) log.warn(`${id}: ${labelsDropped} label(s) made before its re-evaluation were deleted; label it again`);
    }
    for (const u of unevaluated) log.warn(`evaluation of ${u.id} failed again; it will be retried on the next run`, { error: u.error });
    const episodes: Episode[] = [];
    for (const e of store.episodes()) if (planHas(o.plan, e.id)) episodes.push(o.keep ? o.keep(e) : e);
    return { episodes, stats, unevaluated, interrupted: false };
  } finally {
    store.close();
  }
}
