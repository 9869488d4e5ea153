/**
 * What the trainer and the self-play loop report to a tracker, as pure mappings from their records: per optimizer
 * step loss, learning rate, gradient norm and the per-turn weight statistics; per iteration rollout, dataset and
 * held-out figures; per evaluation a table of sample trajectories.
 */
import type { Episode } from '../core/episode.js';
import type { IterationRecord } from '../selfplay/selfplay.js';
import type { StepLog } from '../train/trainer.js';
import type { TableRow, Tracker } from './tracker.js';

export function trackStep(t: Tracker, e: StepLog, step = e.step): void {
  t.scalar('train/loss', e.loss, step);
  t.scalar('train/lr', e.lr, step);
  t.scalar('train/grad_norm', e.gradNorm, step);
  t.scalar('train/weight_mean', e.wMean, step);
  t.scalar('train/weight_min', e.wMin, step);
  t.scalar('train/weight_max', e.wMax, step);
  if (e.kl !== undefined) t.scalar('train/kl', e.kl, step);
}

/** The figures of one stage of a self-play iteration, at step = the iteration. */
export function trackStage(t: Tracker, r: IterationRecord, stage: 'rollouts' | 'dataset' | 'train' | 'eval'): void {
  const i = r.iteration;
  if (stage === 'rollouts' && r.rollouts) {
    t.scalar('rollouts/success', r.rollouts.success, i);
    t.scalar('rollouts/mean_reward', r.rollouts.meanReward, i);
    t.scalar('rollouts/episodes', r.rollouts.episodes, i);
  } else if (stage === 'dataset' && r.dataset) {
    t.scalar('dataset/examples', r.dataset.examples, i);
    t.scalar('dataset/weight_mean', r.dataset.weights.mean, i);
    t.scalar('dataset/weight_min', r.dataset.weights.min, i);
    t.scalar('dataset/weight_max', r.dataset.weights.max, i);
  } else if (stage === 'train' && r.train && 'steps' in r.train) {
    t.scalar('iteration/train_final_loss', r.train.finalLoss, i);
    t.scalar('iteration/train_steps', r.train.steps, i);
  } else if (stage === 'eval' && r.eval) {
    const name = r.eval.metric === 'goal' ? 'eval/goal' : 'eval/success';
    t.scalar(name, r.eval.rate.mean, i);
    t.scalar(`${name}_lo`, r.eval.rate.lo, i);
    t.scalar(`${name}_hi`, r.eval.rate.hi, i);
    t.scalar('eval/mean_reward', r.eval.meanReward, i);
  }
}

const clip = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The first `n` episodes (by id) as table rows: outcome, and the strategies and actions turn by turn. */
export function sampleRows(episodes: readonly Episode[], n: number): TableRow[] {
  return [...episodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, n).map((e) => ({
    id: e.id,
    task: e.taskId,
    success: e.outcome.success,
    reward: Number(e.outcome.reward.toFixed(4)),
    turns: e.turns.length,
    strategies: clip(e.turns.map((t) => t.strategist?.output.trim() ?? '').filter(Boolean).join(' → ')),
    actions: clip(e.turns.map((t) => t.action).join(' → ')),
  }));
}
