/**
 * `epo demo`: the whole EPO loop offline on the built-in model, in minutes on a laptop CPU.
 *   1. generate household games (training and held-out sets; three task types: put, clean then put, examine under a
 *      lamp; few places, all open);
 *   2. the starting strategist: the micro built-in model pretrained to imitate a noisy teacher (shipped in
 *      assets/demo/strategist-0, or built on the spot with `pretrain`; see start.ts);
 *   3. self-play: rollouts with the current strategist and the rule-based actor → environment-grounded process
 *      rewards → per-turn weights → EPO training in process → held-out evaluation, for N iterations;
 *   4. a table and an HTML chart of held-out success per iteration with Wilson 95% intervals, success per task type,
 *      and summary.json.
 * Every step resumes: games are skipped when present, pretraining resumes from its checkpoint, self-play resumes per
 * stage. With --strategist/--actor specs, the same loop runs on real models.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRef } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';
import { deriveSeed } from '../core/random.js';
import { codeVersion } from '../core/version.js';
import { wilson, type Estimate } from '../eval/stats.js';
import { writeSet } from '../envs/alfworld/generator/index.js';
import { createModel } from '../llm/create.js';
import type { ChatModel } from '../llm/model.js';
import { parseModelSpec } from '../llm/spec.js';
import { referenceSuite, type ReferenceSampling } from '../reference/alfshop-protocol.js';
import { makeRule } from '../rewards/returns.js';
import { ensureRunDir } from '../store/run-dir.js';
import { ruleActor } from '../agents/rule-actor.js';
import { selfPlay, type SelfPlayOptions, type SelfPlayState } from '../selfplay/selfplay.js';
import type { Tracker } from '../track/tracker.js';
import { DEMO_TYPES, demoSuite, GAME_KNOBS } from './suite.js';
import { buildStartingStrategist, SHIPPED_STRATEGIST, START_DEFAULTS } from './start.js';
import { DEMO_DEFAULTS as CONFIG_DEMO_DEFAULTS } from '../config/commands/demo.js';
import { renderReport } from './report.js';
import { summariseSelfPlay } from '../selfplay/summary.js';
import { RunStore } from '../store/run-store.js';
import { SIZES, type ModelSize } from '../model/index.js';
import { formatByType, successByType, typeLabel, type TypeCount } from './by-type.js';

export interface DemoOptions {
  run: string;
  runsRoot?: string;
  iterations: number;
  /** Training episodes per iteration. */
  episodes: number;
  evalTasks: number;
  trainTasks: number;
  /** Build the starting strategist here (teacher corpus + imitation) instead of using the shipped one. */
  pretrain: boolean;
  /** Size of the built-in strategist that `pretrain` builds (micro, tiny). */
  size: string;
  /** A starting checkpoint folder other than the shipped one. */
  start?: string;
  corpusEpisodes: number;
  /** Share of aimless steps in the teacher's corpus (with `pretrain`). */
  noise: number;
  /** γ of the discounted return rule. */
  gamma: number;
  /** Epochs over each iteration's dataset. */
  epochs: number;
  lr: number;
  maxSteps: number;
  concurrency: number;
  /** Worker threads for the built-in strategist's rollouts and evaluations (one core each). */
  workers: number;
  seed: number;
  /** Real models instead of the built-in ones. */
  strategist?: string;
  actor?: string;
  /** For a strategist trained outside: the served checkpoint of each iteration (see selfplay.ts). */
  next?: Record<number, string>;
  /** epo (default) or reference: the release's layout, step limit and decoding (needs real models). */
  protocol?: string;
  log?: Logger;
  signal?: AbortSignal;
  onLine?(line: string): void;
  /** Per-episode progress within the rollout and evaluation stages (see selfplay.ts). */
  onProgress?: SelfPlayOptions['onProgress'];
  /** Experiment tracking (src/track/) and the sample trajectories tabled per evaluation. */
  tracker?: Tracker;
  samples?: number;
  /** The command's resolved configuration (YAML), written to the run folder by self-play. */
  config?: string;
}

export const DEMO_DEFAULTS: Omit<DemoOptions, 'log' | 'signal' | 'onLine' | 'onProgress' | 'tracker' | 'samples' | 'strategist' | 'actor' | 'start' | 'config'> = CONFIG_DEMO_DEFAULTS;

export interface DemoRow {
  iteration: number; strategist: string; successes: number; episodes: number; rate: Estimate; trainSeconds: number; wallSeconds: number;
  /** Held-out successes per task type (from the stored evaluation episodes). */
  byType?: Record<string, TypeCount>;
}

export interface DemoSummary {
  run: string;
  /** The loop stopped to wait for a checkpoint trained outside (re-run with `next`). */
  waiting: boolean;
  rows: DemoRow[];
  improvement: { from: number; to: number; difference: number; /** 95% interval of the difference (Newcombe, from the Wilson intervals). */ lo: number; hi: number };
  wallSeconds: number;
  setupSeconds: Record<string, number>;
  models: { strategist: string; actor: string };
  /** epo or reference (docs/evaluation.md). */
  protocol: string;
  /** The starting checkpoint and the SHA-256 of its weights (built-in strategist only). */
  start?: { checkpoint: string; sha256: string };
  seeds: { seed: number };
  dataVersion: { train: string; eval: string };
  codeVersion: string;
  options: Omit<DemoOptions, 'log' | 'signal' | 'onLine' | 'onProgress' | 'tracker'>;
}


export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const log = o.log ?? silentLogger;
  if (o.protocol === 'reference') {
    // the release's prompts exceed the built-in model's context, and its actor sees no list of valid actions
    if (!o.strategist) throw new EpoError('BAD_INPUT', 'the reference protocol\'s prompts do not fit the built-in strategist\'s 1,024 tokens: give --strategist <spec> (and --actor <spec>), or use --protocol epo', { where: '--strategist' });
    if (!o.actor) throw new EpoError('BAD_INPUT', 'under the reference protocol the actor is shown no valid actions, which the rule-based actor needs: give --actor <spec>, or use --protocol epo', { where: '--actor' });
  }
  const say = (s: string) => { log.info(s); o.onLine?.(s); };
  const t0 = Date.now();
  const dir = ensureRunDir(o.run, o.runsRoot);
  const setup: Record<string, number> = {};
  const timed = async <R>(name: string, fn: () => Promise<R> | R): Promise<R> => {
    const s = Date.now();
    try { return await fn(); } finally { setup[name] = (Date.now() - s) / 1000; }
  };

  // 1. games
  const games = join(dir.dir, 'games');
  await timed('games', () => {
    for (const [name, count, salt] of [['train', o.trainTasks, 'train'], ['eval', o.evalTasks, 'eval']] as const) {
      if (!existsSync(join(games, name, 'manifest.json'))) writeSet(join(games, name), count, { seed: deriveSeed(o.seed, 'demo-games', salt) % 1_000_000, ...GAME_KNOBS });
    }
  });
  let trainSuite = await demoSuite(join(games, 'train'), 'demo-train', o.maxSteps);
  let evalSuite = await demoSuite(join(games, 'eval'), 'demo-eval', o.maxSteps);
  let sampling: ReferenceSampling | undefined;
  if (o.protocol === 'reference') {
    let warnings: string[];
    ({ suite: trainSuite, sampling, warnings } = referenceSuite(trainSuite));
    evalSuite = referenceSuite(evalSuite).suite;
    for (const w of warnings) say(`warning: ${w}`);
  }
  const maxSteps = sampling ? trainSuite.maxSteps : o.maxSteps;
  say(`games: ${trainSuite.tasks.length} training, ${evalSuite.tasks.length} held-out (${DEMO_TYPES.map(typeLabel).join(', ')}; 4-6 places)${sampling ? ', protocol reference' : ''}`);

  const actor = o.actor ? createModel(o.actor) : ruleActor();
  const actorRef: ModelRef = sampling ? { spec: actor.spec, ...sampling.actor, maxTokens: sampling.maxTokens } : { spec: actor.spec, temperature: 0, maxTokens: 32 };

  // 2. the starting strategist: given, shipped, or built here
  let strategist = o.strategist;
  let startDir: string | undefined;
  if (!strategist) {
    startDir = o.pretrain
      ? await timed('pretrain', () => buildStartingStrategist({ ...START_DEFAULTS, size: modelSize(o.size), dir: dir.dir, corpusEpisodes: o.corpusEpisodes, noise: o.noise, maxSteps, seed: o.seed, actor, actorRef, log, signal: o.signal, say }))
      : o.start ?? SHIPPED_STRATEGIST;
    if (!existsSync(join(startDir, 'model.safetensors'))) {
      throw new EpoError('NOT_FOUND', `no starting strategist checkpoint in ${startDir}; run with --pretrain to build one`, { where: startDir });
    }
    strategist = `local:${startDir}`;
    if (!o.pretrain) say(`starting strategist: ${startDir === SHIPPED_STRATEGIST ? 'the shipped ' : ''}checkpoint ${startDir}`);
  }

  // 3. self-play
  const strategistModels = new Map<string, ChatModel>();
  let sp: Awaited<ReturnType<typeof selfPlay>>;
  try {
    sp = await selfPlay({
      run: o.run, runsRoot: o.runsRoot, trainSuite, evalSuite, strategist, judge: 'env', config: o.config,
      actor: { model: actor, ref: actorRef },
      makeStrategist: (spec, stage) => {
        // Two worker threads per built-in model: tfjs's wasm backend uses one core each.
        const served = parseModelSpec(spec).kind === 'local' && o.workers > 1 && !/[?&]workers=/.test(spec) ? `${spec}${spec.includes('?') ? '&' : '?'}workers=${o.workers}` : spec;
        let model = strategistModels.get(served);
        if (!model) {
          for (const [k, m] of strategistModels) { void m.close?.(); strategistModels.delete(k); } // one strategist at a time
          model = createModel(served);
          strategistModels.set(served, model);
        }
        // reference: evaluations decode as the release does; rollouts keep sampling (it has no rollout code)
        if (sampling) return { model, ref: stage === 'eval' ? { spec, ...sampling.strategist, maxTokens: sampling.maxTokens } : { spec, temperature: 1, maxTokens: sampling.maxTokens } };
        return { model, ref: { spec, temperature: 1, maxTokens: 24 } };
      },
      next: o.next, rule: makeRule('discounted', { gamma: o.gamma }), iterations: o.iterations, episodes: o.episodes, trials: 1, window: 2,
      train: { epochs: o.epochs, lr: o.lr, batchSize: 8, accum: 1, warmupRatio: 0.1, saveEvery: 10, advantages: 'nonnegative' },
      concurrency: o.concurrency, maxSteps, showAdmissible: true, seed: o.seed, signal: o.signal, log,
      // Self-play logs its stage results itself; the terminal gets them here (per-episode lines go to onProgress).
      onEvent: (i, stage, msg) => { if ((stage !== 'rollouts' && stage !== 'eval') || msg.includes('held-out') || msg.includes('episodes,')) o.onLine?.(`iteration ${i} ${stage}: ${msg}`); },
      onProgress: o.onProgress, tracker: o.tracker, samples: o.samples,
    });
  } finally {
    await Promise.all([...strategistModels.values()].map((m) => m.close?.()));
  }

  // 4. summary, table, chart
  const wallSeconds = (Date.now() - t0) / 1000;
  const summary = summarise(o, sp.state, strategist, actor.spec, setup, wallSeconds, trainSuite.dataVersion, evalSuite.dataVersion, sp.waiting);
  for (const r of summary.rows) {
    const db = join(dir.dir, `it${r.iteration}-eval`, 'epo.sqlite');
    if (existsSync(db)) r.byType = successIn(db);
  }
  if (startDir) summary.start = { checkpoint: startDir, sha256: createHash('sha256').update(readFileSync(join(startDir, 'model.safetensors'))).digest('hex') };
  writeFileSync(join(dir.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(dir.dir, 'report.html'), renderReport(summary, summariseSelfPlay(sp.state, { run: o.run, env: 'demo', waiting: sp.waiting, strategist })));
  return summary;
}

function summarise(o: DemoOptions, state: SelfPlayState, strategist: string, actor: string, setup: Record<string, number>, wallSeconds: number, trainVersion: string, evalVersion: string, waiting: boolean): DemoSummary {
  let cumulative = Object.values(setup).reduce((a, b) => a + b, 0);
  const rows: DemoRow[] = state.iterations.filter((r) => r.eval).map((r) => {
    const secs = Object.values(r.seconds).reduce((a, b) => a + (b ?? 0), 0);
    cumulative += secs;
    return { iteration: r.iteration, strategist: r.strategist ?? '', successes: r.eval!.successes, episodes: r.eval!.episodes, rate: r.eval!.rate, trainSeconds: r.seconds.train ?? 0, wallSeconds: cumulative };
  });
  const first = rows[0], last = rows[rows.length - 1];
  const improvement = first && last ? newcombe(first.successes, first.episodes, last.successes, last.episodes) : { from: NaN, to: NaN, difference: NaN, lo: NaN, hi: NaN };
  const { log: _l, signal: _s, onLine: _o, onProgress: _p, tracker: _t, ...options } = o;
  return {
    run: o.run, waiting, rows, improvement, wallSeconds, setupSeconds: setup, models: { strategist, actor }, protocol: o.protocol ?? 'epo', seeds: { seed: o.seed },
    dataVersion: { train: trainVersion, eval: evalVersion }, codeVersion: codeVersion(), options,
  };
}

function modelSize(size: string): ModelSize {
  if (!(size in SIZES)) throw new EpoError('BAD_INPUT', `unknown built-in model size "${size}": use ${Object.keys(SIZES).join(', ')}`, { where: '--size' });
  return size as ModelSize;
}

function successIn(db: string): Record<string, TypeCount> {
  const store = RunStore.open(db);
  try { return successByType(store.episodes()); } finally { store.close(); }
}

/** Difference of two proportions with Newcombe's hybrid score interval (method 10), from Wilson intervals. */
export function newcombe(k1: number, n1: number, k2: number, n2: number): DemoSummary['improvement'] {
  const a = wilson(k1, n1), b = wilson(k2, n2);
  const d = b.mean - a.mean;
  const lo = d - Math.sqrt((b.mean - b.lo) ** 2 + (a.hi - a.mean) ** 2);
  const hi = d + Math.sqrt((b.hi - b.mean) ** 2 + (a.mean - a.lo) ** 2);
  return { from: a.mean, to: b.mean, difference: d, lo, hi };
}

export function formatDemoTable(s: DemoSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [...(s.protocol && s.protocol !== 'epo' ? [`protocol ${s.protocol}`] : []), 'iteration  held-out success      95% CI (Wilson)     wall time', '---------  -------------------  ------------------  ---------'];
  for (const r of s.rows) {
    lines.push(`${String(r.iteration).padEnd(9)}  ${`${pct(r.rate.mean)} (${r.successes}/${r.episodes})`.padEnd(19)}  ${`[${pct(r.rate.lo)}, ${pct(r.rate.hi)}]`.padEnd(18)}  ${r.wallSeconds.toFixed(0)} s`);
  }
  const i = s.improvement;
  lines.push(...formatByType(s.rows));
  lines.push('', `improvement: ${i.difference >= 0 ? '+' : ''}${(i.difference * 100).toFixed(1)} points (95% CI [${(i.lo * 100).toFixed(1)}, ${(i.hi * 100).toFixed(1)}]), total wall time ${s.wallSeconds.toFixed(0)} s`);
  return lines.join('\n');
}
