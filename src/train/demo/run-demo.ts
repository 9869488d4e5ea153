/**
 * `epo demo`: the whole EPO loop offline on the built-in model, in minutes on a laptop CPU.
 *   1. generate household games (train, corpus and held-out sets; "put X on/in Y", few places, all open);
 *   2. a noisy teacher strategist plays the corpus games through the normal rollout loop; a tiny built-in strategist
 *      is trained from scratch to imitate its chats (strategist tokens only), so it starts as a weak, noisy imitation;
 *   3. self-play: rollouts with the current strategist and the rule-based actor → environment-grounded process
 *      rewards → per-turn weights → EPO training in process → held-out evaluation, for N iterations;
 *   4. a table and an HTML chart of held-out success per iteration with Wilson 95% intervals, and summary.json.
 * Every step resumes: games and corpus are skipped when present, pretraining resumes from its checkpoint, self-play
 * resumes per stage. With --strategist/--actor specs, the same loop runs on real models.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strategistChat, type ModelRef } from '../../core/episode.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { deriveSeed } from '../../core/random.js';
import { codeVersion } from '../../core/version.js';
import { alfworldOutcome } from '../../eval/alfworld.js';
import { wilson, type Estimate } from '../../eval/stats.js';
import { writeSet } from '../../envs/alfworld/generator/index.js';
import { createModel } from '../../llm/create.js';
import { runEpisode } from '../../rollout/episode.js';
import { runEpisodes } from '../../rollout/scheduler.js';
import { makeRule } from '../../rewards/returns.js';
import { ensureRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { initBackend, initModel, makeConfig, saveCheckpoint, SIZES, SPECIAL, SPECIAL_TOKENS, trainBpe } from '../../model/index.js';
import { normaliseChat } from '../dataset.js';
import { trainEpo, type TrainExample } from '../trainer.js';
import { ruleActor } from '../../agents/rule-actor.js';
import { selfPlay, type SelfPlayState } from '../selfplay.js';
import { demoSuite } from './suite.js';
import { teacherModel } from './teacher.js';
import { renderReport } from './report.js';

export interface DemoOptions {
  run: string;
  runsRoot?: string;
  iterations: number;
  /** Training episodes per iteration. */
  episodes: number;
  evalTasks: number;
  trainTasks: number;
  corpusEpisodes: number;
  /** Share of random steps in the teacher's corpus. */
  noise: number;
  /** Epochs of imitation pretraining on the teacher's chats. */
  pretrainEpochs: number;
  maxSteps: number;
  concurrency: number;
  seed: number;
  /** Real models instead of the built-in ones. */
  strategist?: string;
  actor?: string;
  log?: Logger;
  signal?: AbortSignal;
  onLine?(line: string): void;
}

export const DEMO_DEFAULTS: Omit<DemoOptions, 'log' | 'signal' | 'onLine' | 'strategist' | 'actor'> = {
  run: 'demo', iterations: 3, episodes: 64, evalTasks: 60, trainTasks: 300, corpusEpisodes: 300, noise: 0.3,
  pretrainEpochs: 2, maxSteps: 10, concurrency: 16, seed: 1,
};

export interface DemoRow { iteration: number; strategist: string; successes: number; episodes: number; rate: Estimate; trainSeconds: number; wallSeconds: number }

export interface DemoSummary {
  run: string;
  rows: DemoRow[];
  improvement: { from: number; to: number; difference: number; /** 95% interval of the difference (Newcombe, from the Wilson intervals). */ lo: number; hi: number };
  wallSeconds: number;
  setupSeconds: Record<string, number>;
  models: { strategist: string; actor: string };
  seeds: { seed: number };
  dataVersion: { train: string; eval: string };
  codeVersion: string;
  options: Omit<DemoOptions, 'log' | 'signal' | 'onLine'>;
}

const GAME_KNOBS = { types: { pick_and_place_simple: 1 }, receptacles: [4, 6] as [number, number], distractors: 0, closedShare: 0 };

export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const log = o.log ?? silentLogger;
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
    for (const [name, count, salt] of [['train', o.trainTasks, 'train'], ['eval', o.evalTasks, 'eval'], ['corpus', o.corpusEpisodes, 'corpus']] as const) {
      if (!existsSync(join(games, name, 'manifest.json'))) writeSet(join(games, name), count, { seed: deriveSeed(o.seed, 'demo-games', salt) % 1_000_000, ...GAME_KNOBS });
    }
  });
  const maxSteps = o.maxSteps;
  const trainSuite = await demoSuite(join(games, 'train'), 'demo-train', maxSteps);
  const evalSuite = await demoSuite(join(games, 'eval'), 'demo-eval', maxSteps);
  say(`games: ${trainSuite.tasks.length} training, ${evalSuite.tasks.length} held-out (put X on/in Y, 4-6 places)`);

  const actor = o.actor ? createModel(o.actor) : ruleActor();
  const actorRef: ModelRef = { spec: actor.spec, temperature: 0, maxTokens: 32 };

  // 2. the starting strategist
  let strategist = o.strategist;
  if (!strategist) {
    const corpus = join(dir.dir, 'corpus.jsonl');
    await timed('corpus', async () => {
      if (existsSync(corpus)) return;
      const cs = await demoSuite(join(games, 'corpus'), 'demo-corpus', maxSteps);
      const storePath = join(dir.dir, 'corpus.sqlite');
      const store = RunStore.open(storePath);
      try {
        const teacher = teacherModel(o.noise);
        const setupE = { run: `${o.run}-corpus`, mode: 'epo' as const, prompts: cs.prompts, strategist: { model: teacher, ref: { spec: teacher.spec } }, actor: { model: actor, ref: actorRef }, maxSteps, showAdmissible: true, outcome: alfworldOutcome, codeVersion: codeVersion(), taskRecord: cs.taskRecord };
        await runEpisodes(cs.tasks.map((task) => ({ id: `${task.id}#0`, task })), (it, signal) => runEpisode(setupE, { task: it.task, env: cs.makeEnv(), trial: 0, seed: deriveSeed(o.seed, 'corpus', it.task.id), signal }), store, { concurrency: 8, signal: o.signal, log });
        const lines: string[] = [];
        let wins = 0;
        for (const e of store.episodes()) { lines.push(JSON.stringify({ messages: strategistChat(e) })); if (e.outcome.success) wins++; }
        writeFileSync(corpus, lines.join('\n') + '\n');
        say(`corpus: ${lines.length} teacher episodes (noise ${o.noise}), teacher success ${wins}/${lines.length}`);
      } finally { store.close(); }
    });
    const ckpt = join(dir.dir, 'strategist-0');
    await timed('pretrain', async () => {
      // Imitation of the teacher's chats on the strategist's tokens only (the EPO loss with every weight 1): the
      // model's capacity goes to the decisions, not to predicting observations.
      const examples: TrainExample[] = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).flatMap((line, i) => {
        const c = normaliseChat(JSON.parse(line).messages);
        return typeof c === 'string' ? [] : [{ id: `corpus-${i}`, system: c.system, messages: c.messages, weights: c.messages.filter((m) => m.role === 'assistant').map(() => 1) }];
      });
      const init = join(dir.dir, 'strategist-init');
      if (!existsSync(join(init, 'model.safetensors'))) {
        await initBackend();
        const tok = trainBpe(examples.flatMap((e) => [e.system ?? '', ...e.messages.map((m) => m.content)]), 1024, SPECIAL_TOKENS);
        const model = initModel(makeConfig({ vocab_size: tok.vocabSize, ...SIZES.tiny }, { bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot), tok.special(SPECIAL.eos)], pad: tok.special(SPECIAL.pad) }), o.seed);
        saveCheckpoint(init, { model, tokenizer: tok });
        for (const v of model.params.values()) v.dispose();
      }
      say(`imitation pretraining of the tiny built-in strategist on ${examples.length} teacher chats (${o.pretrainEpochs} epochs)…`);
      const r = await trainEpo({
        init, out: ckpt, examples, epochs: o.pretrainEpochs, lr: 3e-3, warmupRatio: 0.1, minLrRatio: 0.1, batchSize: 8, accum: 1, clip: 1, weightDecay: 0.1,
        klCoef: 0, advantages: 'signed', maxLen: 1024, seed: o.seed, saveEvery: 10, log: log.child({ stage: 'pretrain' }), signal: o.signal,
      });
      say(`pretrained: ${r.steps} steps, loss ${r.finalLoss.toFixed(3)}, ${r.tokensPerSecond.toFixed(0)} tok/s`);
    });
    strategist = `local:${ckpt}`;
  }

  // 3. self-play
  const strategistModels = new Map<string, ReturnType<typeof createModel>>();
  const sp = await selfPlay({
    run: o.run, runsRoot: o.runsRoot, trainSuite, evalSuite, strategist, judge: 'env',
    actor: { model: actor, ref: actorRef },
    makeStrategist: (spec, stage) => {
      const model = strategistModels.get(spec) ?? createModel(spec);
      strategistModels.set(spec, model);
      return { model, ref: { spec, temperature: stage === 'rollouts' ? 1 : 0.7, maxTokens: 24 } };
    },
    rule: makeRule('discounted', { gamma: 0.9 }), iterations: o.iterations, episodes: o.episodes, trials: 1, window: 2,
    train: { epochs: 4, lr: 5e-3, batchSize: 8, accum: 1, warmupRatio: 0.1, saveEvery: 10, advantages: 'nonnegative' },
    concurrency: o.concurrency, maxSteps, showAdmissible: true, seed: o.seed, signal: o.signal, log,
    onEvent: (i, stage, msg) => { if (stage !== 'rollouts' && stage !== 'eval') say(`iteration ${i} ${stage}: ${msg}`); else if (msg.includes('held-out') || msg.includes('episodes,')) say(`iteration ${i} ${stage}: ${msg}`); },
  });

  // 4. summary, table, chart
  const wallSeconds = (Date.now() - t0) / 1000;
  const summary = summarise(o, sp.state, strategist, actor.spec, setup, wallSeconds, trainSuite.dataVersion, evalSuite.dataVersion);
  writeFileSync(join(dir.dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(dir.dir, 'report.html'), renderReport(summary));
  return summary;
}

function summarise(o: DemoOptions, state: SelfPlayState, strategist: string, actor: string, setup: Record<string, number>, wallSeconds: number, trainVersion: string, evalVersion: string): DemoSummary {
  let cumulative = Object.values(setup).reduce((a, b) => a + b, 0);
  const rows: DemoRow[] = state.iterations.filter((r) => r.eval).map((r) => {
    const secs = Object.values(r.seconds).reduce((a, b) => a + (b ?? 0), 0);
    cumulative += secs;
    return { iteration: r.iteration, strategist: r.strategist ?? '', successes: r.eval!.successes, episodes: r.eval!.episodes, rate: r.eval!.rate, trainSeconds: r.seconds.train ?? 0, wallSeconds: cumulative };
  });
  const first = rows[0], last = rows[rows.length - 1];
  const improvement = first && last ? newcombe(first.successes, first.episodes, last.successes, last.episodes) : { from: NaN, to: NaN, difference: NaN, lo: NaN, hi: NaN };
  const { log: _l, signal: _s, onLine: _o, ...options } = o;
  return {
    run: o.run, rows, improvement, wallSeconds, setupSeconds: setup, models: { strategist, actor }, seeds: { seed: o.seed },
    dataVersion: { train: trainVersion, eval: evalVersion }, codeVersion: codeVersion(), options,
  };
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
  const lines = ['iteration  held-out success      95% CI (Wilson)     wall time', '---------  -------------------  ------------------  ---------'];
  for (const r of s.rows) {
    lines.push(`${String(r.iteration).padEnd(9)}  ${`${pct(r.rate.mean)} (${r.successes}/${r.episodes})`.padEnd(19)}  ${`[${pct(r.rate.lo)}, ${pct(r.rate.hi)}]`.padEnd(18)}  ${r.wallSeconds.toFixed(0)} s`);
  }
  const i = s.improvement;
  lines.push('', `improvement: ${i.difference >= 0 ? '+' : ''}${(i.difference * 100).toFixed(1)} points (95% CI [${(i.lo * 100).toFixed(1)}, ${(i.hi * 100).toFixed(1)}]), total wall time ${s.wallSeconds.toFixed(0)} s`);
  return lines.join('\n');
}
