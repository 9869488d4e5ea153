/**
 * The self-play arena of SOTOPIA. Every episode is self-play in the EPO sense: the stage's strategist guides BOTH
 * seats (so both seats give training samples), the actor acts both seats, or seat 0 only when a partner model acts
 * seat 1. The SOTOPIA evaluator scores each episode as soon as it ends, so its outcome (per seat goal / 10, as
 * `epo eval sotopia` stores it) exists before labelling; an evaluation that fails is retried at the end of the stage
 * and, failing again, stops the loop (re-run to retry) rather than training on an episode without an outcome.
 *
 * Rollouts: a seeded sample of the training tasks per iteration (`iterationTasks`), `trials` episodes per task.
 * Evaluation: every held-out task once with the same seeds in every iteration; the figure is the mean goal / 10 over
 * both seats of every episode with a Student-t 95% interval (`meanCI`). Sub-run stores also hold the `sotopia`
 * configuration, so `EPO_RUNS_DIR=runs/<run> epo sotopia report --run it<i>-eval` prints the full seven-dimension table.
 */
import { episodeId, type Episode, type ModelRef } from '../core/episode.js';
import { describeError, EpoError } from '../core/errors.js';
import { deriveSeed } from '../core/random.js';
import { runSotopia, type SotopiaPlanned } from '../eval/sotopia-run.js';
import { meanCI } from '../eval/stats.js';
import type { ChatModel } from '../llm/model.js';
import type { Seat, SeatAgents, SotopiaSampling } from '../rollout/sotopia.js';
import { arrayPlan } from '../rollout/plan.js';
import { failureLine } from '../rollout/scheduler.js';
import type { EpisodeRules } from '../envs/sotopia/episode-rules.js';
import type { SotopiaTask, SotopiaTaskSelection } from '../envs/sotopia/task-spec.js';
import { iterationTasks, type Arena, type ArenaStage } from './arena.js';

export interface SotopiaArenaOptions {
  train: SotopiaTaskSelection;
  eval: SotopiaTaskSelection;
  /** Acts both seats, or seat 0 when there is a partner. */
  actor: ChatModel;
  /** Acts seat 1 (still guided by the strategist). */
  partner?: ChatModel;
  evaluator: ChatModel;
  rules: EpisodeRules;
  /** Actor sampling and chat-template settings; the strategist's temperature and budget come from its `ref`. */
  sampling?: Partial<Pick<SotopiaSampling, 'actorTemperature' | 'actorMaxTokens' | 'evaluatorMaxTokens' | 'maxRepairs' | 'systemRole'>>;
  concurrency: number;
  timeoutMs?: number;
}

interface Planned extends SotopiaPlanned { task: SotopiaTask }

const BOTH: Seat[] = [0, 1];
const mean = (episodes: readonly Episode[], f: (e: Episode) => number): number => (episodes.length ? episodes.reduce((a, e) => a + f(e), 0) / episodes.length : 0);

export function sotopiaArena(o: SotopiaArenaOptions): Arena {
  const actorTemperature = o.sampling?.actorTemperature ?? 0.7;
  const refs = (strategist: ModelRef): Record<string, ModelRef> => ({
    actor: { spec: o.actor.spec, temperature: actorTemperature }, partner: { spec: (o.partner ?? o.actor).spec, temperature: actorTemperature },
    strategist, partner_strategist: strategist, evaluator: { spec: o.evaluator.spec, temperature: 0 },
  });

  /** Run the planned episodes into the sub-run (the path `epo eval sotopia` takes), return the planned episodes. */
  async function play(s: ArenaStage, selection: SotopiaTaskSelection, plan: Planned[], seed: number): Promise<Episode[]> {
    const sampling: Partial<SotopiaSampling> = {
      ...o.sampling, actorTemperature, strategistTemperature: s.strategist.ref.temperature ?? 0.7, strategistMaxTokens: s.strategist.ref.maxTokens ?? 64,
    };
    const models = refs(s.strategist.ref);
    const byCombo = new Map(plan.map((p) => [p.combo.id, p.task]));
    const seats = [{ actor: o.actor, strategist: s.strategist.model }, { actor: o.partner ?? o.actor, strategist: s.strategist.model }] as [SeatAgents, SeatAgents];
    const t0 = Date.now();
    let goal = 0, n = 0;
    try {
      const r = await runSotopia({
        run: s.run, runsRoot: s.runsRoot, plan: arrayPlan(plan), models, rules: o.rules, sampling, seed, dataVersion: selection.dataVersion, evaluator: o.evaluator,
        // the configuration `epo sotopia report` reads (self-play protocol: both seats tested)
        config: { env: 'sotopia', taskSet: selection.set, tasks: selection.spec, models, selfPlay: !o.partner, seats: BOTH, trials: 1, seed, rules: o.rules, dataVersion: selection.dataVersion },
        task: (combo) => byCombo.get(combo.id)!, seats: () => seats,
        concurrency: o.concurrency, timeoutMs: o.timeoutMs, signal: s.signal, log: s.log,
        onEpisode(e, st) {
          if (e.outcome.evaluated !== false) { n++; goal += e.outcome.reward * 10; }
          s.log.debug(`episode ${e.id} ${e.outcome.reason} turns=${e.turns.length} goal=${e.outcome.evaluated === false ? 'unevaluated' : (e.outcome.reward * 10).toFixed(1)}`);
          s.onProgress?.(`${st.skipped + st.finished}/${st.total} episodes · mean goal ${n ? (goal / n).toFixed(2) : '?'} · ${((Date.now() - t0) / 1000 / Math.max(1, st.finished)).toFixed(1)} s/episode`, st.skipped + st.finished, st.total);
        },
      });
      if (r.interrupted || s.signal?.aborted) return [];
      if (r.stats.failed) throw new EpoError('INTERNAL', `${failureLine(r.stats)}`, { where: s.run });
      if (r.unevaluated.length) throw new EpoError('INTERNAL', `the evaluator could not score ${r.unevaluated.length} episode(s), e.g. ${r.unevaluated[0].id} (${r.unevaluated[0].error}); re-run to retry them`, { where: s.run });
      return r.episodes;
    } catch (err) {
      if (s.signal?.aborted) return [];
      throw err instanceof EpoError ? err : new EpoError('INTERNAL', describeError(err), { where: s.run });
    }
  }

  return {
    env: 'sotopia',
    envProgress: false,
    identity: (c) => ['sotopia', o.actor.spec, o.partner?.spec ?? null, o.evaluator.spec, o.train.spec, o.train.dataVersion, o.eval.spec, o.eval.dataVersion,
      o.rules, actorTemperature, o.sampling?.systemRole ?? true, c],

    async rollouts(s) {
      const tasks = iterationTasks(o.train.tasks, Math.ceil(s.episodes / s.trials), s.seed, s.iteration);
      // A task drawn again (more episodes than tasks) continues its trial numbers, so every episode id is distinct.
      const drawn = new Map<string, number>();
      const plan: Planned[] = tasks.flatMap((task) => {
        const taskId = `${task.combo.id}.self`;
        const rep = drawn.get(taskId) ?? 0;
        drawn.set(taskId, rep + 1);
        return Array.from({ length: s.trials }, (_, t) => ({ id: episodeId(taskId, rep * s.trials + t), taskId, trial: rep * s.trials + t, task, combo: task.combo, testSeats: BOTH }));
      });
      const episodes = await play(s, o.train, plan, deriveSeed(s.seed, 'rollouts', s.iteration));
      return { episodes: episodes.length, success: mean(episodes, (e) => (e.outcome.success ? 1 : 0)), meanReward: mean(episodes, (e) => e.outcome.reward) };
    },

    async evaluate(s) {
      const plan: Planned[] = o.eval.tasks.map((task) => ({ id: episodeId(`${task.combo.id}.self`, 0), taskId: `${task.combo.id}.self`, trial: 0, task, combo: task.combo, testSeats: BOTH }));
      const episodes = await play(s, o.eval, plan, deriveSeed(s.seed, 'eval'));
      const goals = episodes.flatMap((e) => (e.outcome.seatRewards as number[] | undefined) ?? []);
      const rate = meanCI(goals);
      return { episodes: episodes.length, successes: episodes.filter((e) => e.outcome.success).length, rate, meanReward: mean(episodes, (e) => e.outcome.reward), metric: 'goal' };
    },
  };
}
