/**
 * The self-play arena of single-agent suites (ALFWorld, WebShop): rollouts and evaluations are `evaluate()` runs in
 * EPO mode, exactly as `epo eval` runs them (resume by stored episode ids, one protocol per sub-run).
 */
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import type { Task } from '../core/env.js';
import { deriveSeed } from '../core/random.js';
import { evaluate } from '../eval/evaluate.js';
import { failureLine } from '../rollout/scheduler.js';
import { wilson } from '../eval/stats.js';
import type { Suite } from '../eval/suite.js';
import type { RoleModel } from '../rollout/episode.js';
import { iterationTasks, meanOutcome, type Arena } from './arena.js';

export interface SuiteArenaOptions {
  trainSuite: Suite<Task>;
  evalSuite: Suite<Task>;
  actor: RoleModel;
  concurrency: number;
  maxSteps?: number;
  showAdmissible?: boolean;
}

export function suiteArena(o: SuiteArenaOptions): Arena {
  return {
    env: o.trainSuite.env,
    envProgress: true,
    // The layout of runs started before arenas existed, so they still resume.
    identity: (c) => [o.actor.ref, o.trainSuite.env, o.trainSuite.dataVersion, o.evalSuite.dataVersion, o.evalSuite.tasks.length,
      c.episodes, c.trials, c.rule, c.seed, c.window, c.train, o.maxSteps ?? null,
      // a protocol other than epo's own joins the identity (epo runs keep theirs, so they still resume)
      ...(o.trainSuite.protocol && o.trainSuite.protocol !== 'epo' ? [{ protocol: o.trainSuite.protocol }] : [])],

    async rollouts(s) {
      const i = s.iteration;
      const tasks = iterationTasks(o.trainSuite.tasks, Math.ceil(s.episodes / s.trials), s.seed, i);
      const r = await evaluate({
        suite: { ...o.trainSuite, tasks, split: `${o.trainSuite.split}@it${i}` }, run: s.run, runsRoot: s.runsRoot, mode: 'epo',
        strategist: s.strategist, actor: o.actor, concurrency: o.concurrency, maxSteps: o.maxSteps, trials: s.trials,
        seed: deriveSeed(s.seed, 'rollouts', i), showAdmissible: o.showAdmissible, signal: s.signal, log: s.log, onProgress: s.onProgress,
      });
      if (s.signal?.aborted) return { episodes: 0, success: 0, meanReward: 0 };
      if (r.stats.failed) throw new EpoError('INTERNAL', `rollouts: ${failureLine(r.stats)}`, { where: s.run });
      const m = r.summary.metrics;
      return { episodes: m.episodes, success: m.success.mean, meanReward: meanOutcome(join(s.runsRoot, s.run, 'epo.sqlite')) };
    },

    async evaluate(s) {
      const r = await evaluate({
        suite: o.evalSuite, run: s.run, runsRoot: s.runsRoot, mode: 'epo', strategist: s.strategist, actor: o.actor,
        concurrency: o.concurrency, maxSteps: o.maxSteps, seed: deriveSeed(s.seed, 'eval'), showAdmissible: o.showAdmissible, signal: s.signal, log: s.log,
        onProgress: s.onProgress,
      });
      if (s.signal?.aborted) return { episodes: 0, successes: 0, rate: wilson(0, 0), meanReward: 0 };
      if (r.stats.failed) throw new EpoError('INTERNAL', `held-out evaluation: ${failureLine(r.stats)}`, { where: s.run });
      const m = r.summary.metrics;
      const k = Math.round(m.success.mean * m.episodes);
      return { episodes: m.episodes, successes: k, rate: wilson(k, m.episodes), meanReward: meanOutcome(join(s.runsRoot, s.run, 'epo.sqlite')) };
    },
  };
}
