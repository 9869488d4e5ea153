/**
 * Iterative self-play: iteration 0 evaluates the starting strategist on the held-out tasks; each iteration i ≥ 1 then
 *   rollouts (strategist i−1 on training tasks) → labels (process rewards) → dataset (per-turn weights)
 *   → training (strategist i) → evaluation (held-out tasks) → a row of results.
 * Every stage records its completion in the run store (meta `selfplay`), so a killed loop re-run with the same
 * command resumes exactly: finished stages are skipped, rollouts and evaluations skip stored episodes (sub-runs
 * `it<i>-rollouts`, `it<i>-eval` under the run folder), labelling skips labelled episodes, the dataset build is
 * deterministic, training resumes from its last checkpoint with optimizer state and data position.
 *
 * The stages that run episodes go through an `Arena` (arena.ts): ALFWorld/WebShop suites (`suiteArena`, the default
 * when `trainSuite`/`evalSuite` are given) or SOTOPIA (`sotopiaArena`: both seats guided by the strategist).
 *
 * `local:` strategists are trained in process (src/train/trainer.ts). Any other strategist gets the dataset in
 * LLaMA-Factory format and the command to run; the loop stops there until re-run with the served checkpoint's spec
 * (`next` for that iteration).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import type { Task } from '../core/env.js';
import { deriveSeed, hashString } from '../core/random.js';
import { codeVersion } from '../core/version.js';
import type { Suite } from '../eval/suite.js';
import type { ChatModel } from '../llm/model.js';
import { parseModelSpec, publicSpec } from '../llm/spec.js';
import { createModel } from '../llm/create.js';
import { REDACTED } from '../core/secrets.js';
import type { RoleModel } from '../rollout/episode.js';
import { envLabel, ENV_LABELER } from '../rewards/env-progress.js';
import { judgeEpisode, judgeLabeler, labelEpisodes } from '../rewards/judge/label.js';
import type { ReturnRule } from '../rewards/returns.js';
import { ensureRunDir } from '../store/run-dir.js';
import { lockRun } from '../store/run-lock.js';
import { RunStore } from '../store/run-store.js';
import { buildDataset, type DatasetExample } from '../train/dataset.js';
import { writeDataset, type WriteOptions } from '../train/export/export-dataset.js';
import { resolveBaseModel } from '../train/export/base-model.js';
import { launchPlan } from '../train/export/llamafactory-launch.js';
import type { Arena, EvalRecord } from './arena.js';
import { suiteArena } from './suite-arena.js';
import { TRAIN_DEFAULTS, trainEpo, type TrainOptions } from '../train/trainer.js';
import { sampleRows, trackStage, trackStep } from '../track/metrics.js';
import type { Tracker } from '../track/tracker.js';
import { writeSelfPlayReport } from './write-report.js';

export type Stage = 'rollouts' | 'labels' | 'dataset' | 'train' | 'eval';
export const STAGES: readonly Stage[] = ['rollouts', 'labels', 'dataset', 'train', 'eval'];

export interface SelfPlayOptions {
  run: string;
  runsRoot?: string;
  /** Where rollouts and evaluations run; default: `suiteArena` over the suites and actor below. */
  arena?: Arena;
  /** ALFWorld/WebShop (without `arena`): training and held-out tasks, and the actor. */
  trainSuite?: Suite<Task>;
  evalSuite?: Suite<Task>;
  actor?: RoleModel;
  /** Spec of the starting strategist (`local:DIR` trains in process). */
  strategist: string;
  /** A strategist spec with the sampling settings of a stage → the role model. */
  makeStrategist?(spec: string, stage: 'rollouts' | 'eval'): RoleModel;
  /** `env` (environment progress; not for SOTOPIA) or a judge model. */
  judge: 'env' | ChatModel;
  rule: ReturnRule;
  iterations: number;
  /** Training episodes per iteration (tasks × trials). */
  episodes: number;
  /** Rollouts per training task (a group for the baseline/grpo rules). Default 1. */
  trials?: number;
  /** Use the rollouts of the last `window` iterations for each dataset (default 1: on-policy). */
  window?: number;
  minOutcome?: number;
  train?: Partial<Omit<TrainOptions, 'init' | 'out' | 'examples' | 'log' | 'signal' | 'onStep'>>;
  /** Strategist specs the user serves after training iteration i outside (non-local strategists), by iteration. */
  next?: Record<number, string>;
  concurrency: number;
  maxSteps?: number;
  showAdmissible?: boolean;
  seed: number;
  signal?: AbortSignal;
  log?: Logger;
  /** The command's resolved configuration (YAML), written to the run folder once the run is this one's. */
  config?: string;
  /**
   * For strategists trained outside: the LLaMA-Factory export. `model` (the base model's folder or hub id) is required
   * when the strategist is not `local:`; a folder's tokenizer.json gives exact token counts for the cutoff check.
   */
  handoff?: Pick<WriteOptions, 'model' | 'template' | 'cutoffLen' | 'onCutoff' | 'countTokens' | 'tokenizer'>;
  /** Progress lines for the terminal. */
  onEvent?(iteration: number, stage: Stage, msg: string): void;
  /** Called when a stage starts (not when it is skipped as done). */
  onStageStart?(iteration: number, stage: Stage): void;
  /** Per-episode progress within the rollout and evaluation stages (`done` of `total` episodes). */
  onProgress?(iteration: number, stage: 'rollouts' | 'eval', line: string, done?: number, total?: number): void;
  /** Experiment tracking (src/track/): training steps (numbered across iterations), per-iteration figures, and a
   *  table of `samples` held-out trajectories per evaluation. Only work done in this call is reported. */
  tracker?: Tracker;
  samples?: number;
}

export interface IterationRecord {
  iteration: number;
  /** The strategist evaluated in this iteration (trained by it, for i ≥ 1), as its public spec (no inline secrets). */
  strategist?: string;
  done: Partial<Record<Stage, true>>;
  rollouts?: { episodes: number; success: number; meanReward: number };
  labels?: { labelled: number; failed: number };
  dataset?: { examples: number; path: string; weights: { min: number; max: number; mean: number } };
  train?: { checkpoint: string; steps: number; finalLoss: number; tokensPerSecond: number } | { waiting: string };
  eval?: EvalRecord;
  /** Seconds spent per stage (summed over resumed attempts). */
  seconds: Partial<Record<Stage, number>>;
}

export interface SelfPlayState {
  fingerprint: string;
  codeVersion: string;
  iterations: IterationRecord[];
}

export interface SelfPlayResult {
  state: SelfPlayState;
  /** True when the loop stopped to wait for a checkpoint trained outside. */
  waiting: boolean;
}

const isLocal = (spec: string): boolean => parseModelSpec(spec).kind === 'local';
const localDir = (spec: string): string => { const s = parseModelSpec(spec); return s.kind === 'local' ? s.path : ''; };

export { iterationTasks } from './arena.js';

function arenaOf(o: SelfPlayOptions): Arena {
  if (o.arena) return o.arena;
  if (!o.trainSuite || !o.evalSuite || !o.actor) throw new EpoError('INTERNAL', 'self-play needs an arena, or training and held-out suites and an actor', { where: o.run });
  return suiteArena({ trainSuite: o.trainSuite, evalSuite: o.evalSuite, actor: o.actor, concurrency: o.concurrency, maxSteps: o.maxSteps, showAdmissible: o.showAdmissible });
}

/** By default a strategist samples at temperature 1 in rollouts (the policy being trained) and 0.7 in evaluations. */
function defaultStrategists(): NonNullable<SelfPlayOptions['makeStrategist']> {
  const models = new Map<string, ChatModel>();
  return (spec, stage) => {
    const model = models.get(spec) ?? createModel(spec);
    models.set(spec, model);
    return { model, ref: { spec, temperature: stage === 'rollouts' ? 1 : 0.7 } };
  };
}

export async function selfPlay(o: SelfPlayOptions): Promise<SelfPlayResult> {
  const log = o.log ?? silentLogger;
  const makeStrategist = o.makeStrategist ?? defaultStrategists();
  const arena = arenaOf(o);
  if (o.judge === 'env' && !arena.envProgress) {
    throw new EpoError('BAD_INPUT', `${arena.env} records no environment progress to label with: give --judge a judge model spec (e.g. openai:gpt-4o-2024-08-06)`, { where: '--judge' });
  }
  // a strategist served outside is trained outside: LLaMA-Factory needs the base model (before anything is run)
  const base = o.iterations > 0 && !isLocal(o.strategist) ? await resolveBaseModel(o.handoff?.model, publicSpec(o.strategist)) : undefined;
  if (base?.warning) log.warn(base.warning);
  const dir = ensureRunDir(o.run, o.runsRoot);
  const sub = dir.dir; // sub-runs live inside the run folder
  const lock = lockRun(dir); // one writer per run (its sub-runs included)
  let store: RunStore;
  try { store = RunStore.open(dir.store); } catch (e) { lock.release(); throw e; }
  const trials = o.trials ?? 1;
  const fingerprint = hashString(JSON.stringify([o.strategist,
    ...arena.identity({ episodes: o.episodes, trials, rule: o.rule, seed: o.seed, window: o.window ?? 1, train: o.train ?? {} })])).toString(16);
  let state = store.getMeta<SelfPlayState>('selfplay');
  if (state && state.fingerprint !== fingerprint) {
    store.close();
    lock.release();
    throw new EpoError('BAD_INPUT', `run "${o.run}" was started with other self-play settings (models, tasks, episodes, rule, seed or trainer); re-run with the same settings or choose another --run`, { where: dir.store });
  }
  state ??= { fingerprint, codeVersion: codeVersion(), iterations: [] };
  if (o.config) writeFileSync(dir.config, o.config);
  const save = () => store.setMeta('selfplay', state);
  const report = (waiting: boolean) => writeSelfPlayReport(dir.dir, state!, { run: o.run, env: arena.env, waiting, strategist: publicSpec(o.strategist), actor: o.actor?.ref.spec && publicSpec(o.actor.ref.spec) });
  const say = (i: number, stage: Stage, msg: string) => { log.info(`iteration ${i} ${stage}: ${msg}`); o.onEvent?.(i, stage, msg); };
  const timed = async <R>(rec: IterationRecord, stage: Stage, fn: () => Promise<R>): Promise<R> => {
    o.onStageStart?.(rec.iteration, stage);
    checkAbort();
    const t0 = Date.now();
    try { return await fn(); } finally { rec.seconds[stage] = (rec.seconds[stage] ?? 0) + (Date.now() - t0) / 1000; save(); }
  };
  const checkAbort = () => { if (o.signal?.aborted) throw new EpoError('INTERRUPTED', 'self-play stopped; re-run the same command to resume', { where: o.run }); };
  /** The spec to call iteration i's strategist with: the state keeps public specs, the secrets come from the flags. */
  const strategistOf = (i: number): string => {
    const shown = state!.iterations[i].strategist!;
    const given = i === 0 ? o.strategist : o.next?.[i];
    if (given !== undefined && publicSpec(given) === shown) return given;
    if (!shown.includes(REDACTED)) return shown;
    throw new EpoError('BAD_INPUT', `the strategist of iteration ${i} (${shown}) was given with secrets, which are not stored; give it again with --next ${i}=<spec>`, { where: '--next' });
  };

  try {
    for (let i = 0; i <= o.iterations; i++) {
      const rec: IterationRecord = state.iterations[i] ??= { iteration: i, done: {}, seconds: {} };
      if (i === 0) rec.strategist = publicSpec(o.strategist);
      else {
        const previous = strategistOf(i - 1);
        // 1. rollouts with the previous strategist on training tasks
        if (!rec.done.rollouts) {
          await timed(rec, 'rollouts', async () => {
            const r = await arena.rollouts({
              iteration: i, strategist: makeStrategist(previous, 'rollouts'), run: `it${i}-rollouts`, runsRoot: sub, seed: o.seed,
              episodes: o.episodes, trials, signal: o.signal, log, onProgress: (line, done, total) => { o.onEvent?.(i, 'rollouts', line); o.onProgress?.(i, 'rollouts', line, done, total); },
            });
            checkAbort();
            rec.rollouts = r;
            rec.done.rollouts = true;
            if (o.tracker) trackStage(o.tracker, rec, 'rollouts');
            say(i, 'rollouts', `${r.episodes} episodes, success ${(r.success * 100).toFixed(1)}%, mean reward ${r.meanReward.toFixed(3)}`);
          });
        }
        // 2. process-reward labels
        if (!rec.done.labels) {
          await timed(rec, 'labels', async () => {
            rec.labels = await labelRun(join(sub, `it${i}-rollouts`, 'epo.sqlite'), o.judge, o.signal);
            checkAbort();
            if (rec.labels.failed) throw new EpoError('INTERNAL', `${rec.labels.failed} episodes could not be labelled; re-run to retry them`, { where: `it${i}-rollouts` });
            rec.done.labels = true;
            say(i, 'labels', `${rec.labels.labelled} episodes labelled`);
          });
        }
        // 3. dataset with per-turn weights
        const dsDir = join(sub, `it${i}-dataset`);
        if (!rec.done.dataset) {
          await timed(rec, 'dataset', async () => {
            const ds = datasetOf(sub, i, o);
            // the same writer as `epo dataset build`: the in-process trainer reads JSONL; the hand-off gets LLaMA-Factory's
            // files, checked against the cutoff
            if (isLocal(previous)) await writeDataset(ds, { out: dsDir, format: 'jsonl', noCutoffCheck: true });
            else {
              const b = base ?? await resolveBaseModel(o.handoff?.model, publicSpec(previous));
              await writeDataset(ds, {
                out: dsDir, format: 'llamafactory', name: `epo_it${i}`, ...o.handoff, model: b.model,
                countTokens: o.handoff?.countTokens ?? b.countTokens, tokenizer: o.handoff?.tokenizer ?? b.tokenizer, warn: (m) => log.warn(m),
              });
            }
            rec.dataset = { examples: ds.examples.length, path: dsDir, weights: ds.record.weights };
            rec.done.dataset = true;
            if (o.tracker) trackStage(o.tracker, rec, 'dataset');
            say(i, 'dataset', `${ds.examples.length} examples, weights mean ${ds.record.weights.mean.toFixed(3)} (min ${ds.record.weights.min.toFixed(3)}, max ${ds.record.weights.max.toFixed(3)})`);
          });
        }
        // 4. training
        if (!rec.done.train) {
          checkAbort();
          if (!isLocal(previous)) {
            const served = o.next?.[i];
            if (!served) {
              const plan = launchPlan(dsDir);
              rec.train = { waiting: plan.shell };
              save();
              say(i, 'train', `train outside, serve the checkpoint, then re-run with --next ${i}=<spec>:\n  ${plan.shell}`);
              report(true);
              return { state, waiting: true };
            }
            rec.strategist = publicSpec(served);
            rec.train = { checkpoint: rec.strategist, steps: 0, finalLoss: NaN, tokensPerSecond: 0 };
          } else {
            await timed(rec, 'train', async () => {
              const ds = buildDatasetAgain(sub, i, o);
              const out = join(sub, `it${i}-checkpoint`);
              const r = await trainEpo({
                ...TRAIN_DEFAULTS, seed: deriveSeed(o.seed, 'train', i), ...o.train,
                init: localDir(previous), out, examples: ds.map((e) => ({ id: e.id, system: e.system, messages: e.messages, weights: e.weights })),
                log: log.child({ iteration: i, stage: 'train' }), signal: o.signal,
                onStep: o.tracker ? (e) => trackStep(o.tracker!, e, stepsBefore(state!, i) + e.step) : undefined,
              });
              rec.train = { checkpoint: out, steps: r.steps, finalLoss: r.finalLoss, tokensPerSecond: r.tokensPerSecond };
              rec.strategist = `local:${out}`;
              if (o.tracker) trackStage(o.tracker, rec, 'train');
              say(i, 'train', `${r.steps} steps${r.alreadyDone ? ' (already done)' : ''}, final loss ${r.finalLoss.toFixed(4)}, ${r.tokensPerSecond.toFixed(0)} tok/s`);
            });
          }
          rec.done.train = true;
          save();
        }
      }
      // 5. evaluation on held-out tasks
      if (!rec.done.eval) {
        await timed(rec, 'eval', async () => {
          const r = await arena.evaluate({
            iteration: i, strategist: makeStrategist(strategistOf(i), 'eval'), run: `it${i}-eval`, runsRoot: sub, seed: o.seed,
            signal: o.signal, log, onProgress: (line, done, total) => { o.onEvent?.(i, 'eval', line); o.onProgress?.(i, 'eval', line, done, total); },
          });
          checkAbort();
          rec.eval = r;
          rec.done.eval = true;
          if (o.tracker) {
            trackStage(o.tracker, rec, 'eval');
            if ((o.samples ?? 4) > 0) o.tracker.table('eval/samples', sampleRows(episodesOf(join(sub, `it${i}-eval`, 'epo.sqlite')), o.samples ?? 4), i);
          }
          say(i, 'eval', r.metric === 'goal' ? `held-out goal ${(r.rate.mean * 10).toFixed(2)}/10 over ${r.rate.n} seats of ${r.episodes} episodes` : `held-out success ${r.successes}/${r.episodes}`);
        });
      }
      save();
    }
    report(false);
    return { state, waiting: false };
  } finally {
    save();
    store.close();
    lock.release();
  }
}

async function labelRun(storePath: string, judge: 'env' | ChatModel, signal?: AbortSignal): Promise<{ labelled: number; failed: number }> {
  const s = RunStore.open(storePath);
  try {
    const labeler = judge === 'env' ? ENV_LABELER : judgeLabeler(judge.spec);
    const done = s.labelledIds(labeler);
    const ids = [...s.finishedIds()].filter((id) => !done.has(id)).sort();
    const stats = await labelEpisodes(ids, (id) => s.getEpisode(id), async (e) => (judge === 'env' ? envLabel(e) : judgeEpisode(e, { model: judge, signal })),
      (id, l) => s.putLabel(id, l), { concurrency: judge === 'env' ? 1 : 8, signal });
    return { labelled: done.size + stats.labelled, failed: stats.failed };
  } finally { s.close(); }
}

function datasetOf(sub: string, i: number, o: SelfPlayOptions) {
  const window = Math.max(1, o.window ?? 1);
  const stores = [];
  for (let j = Math.max(1, i - window + 1); j <= i; j++) {
    const path = join(sub, `it${j}-rollouts`, 'epo.sqlite');
    if (existsSync(path)) stores.push({ name: `it${j}-rollouts`, store: RunStore.open(path) });
  }
  try {
    const labeler = o.judge === 'env' ? ENV_LABELER : judgeLabeler(o.judge.spec);
    return buildDataset(stores.map(({ name, store }) => ({ name, episodes: () => store.episodes(), getLabel: (id: string, l: string) => store.getLabel(id, l) })),
      { rule: o.rule, labeler, minOutcome: o.minOutcome, seed: o.seed });
  } finally { for (const s of stores) s.store.close(); }
}

/** Optimizer steps of the iterations before i: the tracker numbers training steps across the whole loop. */
export function stepsBefore(state: SelfPlayState, i: number): number {
  return state.iterations.slice(0, i).reduce((a, r) => a + (r.train && 'steps' in r.train ? r.train.steps : 0), 0);
}

function episodesOf(path: string) {
  const s = RunStore.open(path);
  try { return [...s.episodes()]; } finally { s.close(); }
}

/** The training examples of iteration i (rebuilt: the build is deterministic, so a resumed run trains on the same data). */
function buildDatasetAgain(sub: string, i: number, o: SelfPlayOptions): DatasetExample[] {
  return datasetOf(sub, i, o).examples.filter((e) => e.split === 'train');
}
