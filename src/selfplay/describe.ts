/**
 * What a self-play (or demo) run holds, for `epo runs report` on its folder: per iteration the stages done, the
 * figures of each, and the sub-runs that hold its episodes (named by path, e.g. `demo/it1-eval`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SelfPlayState } from './selfplay.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function describeSelfPlayRun(run: string, dir: string, state: SelfPlayState): string {
  const its = state.iterations;
  const out = [`self-play run ${run}: ${its.length} iteration${its.length === 1 ? '' : 's'}${its.length ? ` (0-${its.length - 1})` : ''}, code ${state.codeVersion}`];
  for (const r of its) {
    const parts: string[] = [];
    if (r.rollouts) parts.push(`rollouts ${r.rollouts.episodes} episodes, success ${pct(r.rollouts.success)}`);
    if (r.dataset) parts.push(`dataset ${r.dataset.examples} examples, mean weight ${r.dataset.weights.mean.toFixed(3)}`);
    if (r.train) parts.push('waiting' in r.train ? 'training outside: waiting for --next' : `train ${r.train.steps} steps, final loss ${r.train.finalLoss.toFixed(4)}`);
    if (r.eval) {
      parts.push(r.eval.metric === 'goal'
        ? `held-out goal ${(r.eval.rate.mean * 10).toFixed(2)} [${(r.eval.rate.lo * 10).toFixed(2)}, ${(r.eval.rate.hi * 10).toFixed(2)}] over ${r.eval.episodes} episodes`
        : `held-out ${pct(r.eval.rate.mean)} (${r.eval.successes}/${r.eval.episodes}) [${pct(r.eval.rate.lo)}, ${pct(r.eval.rate.hi)}]`);
    }
    const pending = (['rollouts', 'labels', 'dataset', 'train', 'eval'] as const).filter((s) => !r.done[s] && (r.iteration > 0 || s === 'eval'));
    if (pending.length) parts.push(`not done: ${pending.join(', ')}`);
    out.push(`iteration ${r.iteration}  ${r.strategist ?? ''}`, `  ${parts.join(' · ') || 'not started'}`);
    const subs = ['rollouts', 'eval'].map((s) => `it${r.iteration}-${s}`).filter((s) => existsSync(join(dir, s, 'epo.sqlite')));
    const folders = ['dataset', 'checkpoint'].map((s) => `it${r.iteration}-${s}`).filter((s) => existsSync(join(dir, s)));
    if (subs.length) out.push(`  runs: ${subs.map((s) => `${run}/${s}`).join(', ')}`);
    if (folders.length) out.push(`  folders: ${folders.map((s) => join(dir, s)).join(', ')}`);
  }
  const lastEval = [...its].reverse().find((r) => existsSync(join(dir, `it${r.iteration}-eval`, 'epo.sqlite')));
  if (lastEval) out.push('', `each stage is a run: e.g. epo runs report --run ${run}/it${lastEval.iteration}-eval, epo episodes list --run ${run}/it${lastEval.iteration}-rollouts`);
  if (existsSync(join(dir, 'report.html'))) out.push(`report: ${join(dir, 'report.html')}`);
  return out.join('\n') + '\n';
}
