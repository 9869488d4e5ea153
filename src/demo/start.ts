/**
 * The demo's starting strategist: a built-in model (src/model; `micro`, ~0.13 M parameters, by default) trained from scratch to
 * imitate a noisy teacher's strategist chats, so it starts as a weak, imperfect imitation and self-play has room to
 * improve it. `buildStartingStrategist` makes it (teacher corpus on generated games → BPE tokenizer → imitation on the
 * strategist's tokens only, i.e. the EPO loss with every weight 1); the repository ships the result in
 * `assets/demo/strategist-0` (made by `scripts/make-demo-strategist.sh`) so that `epo demo` spends its minutes on
 * self-play. Every step resumes: the corpus is skipped when present, training resumes from its checkpoint.
 */
import { DEMO_DEFAULTS } from '../config/commands/demo.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { strategistChat, type ModelRef } from '../core/episode.js';
import { silentLogger, type Logger } from '../core/log.js';
import { deriveSeed } from '../core/random.js';
import { codeVersion } from '../core/version.js';
import { alfworldOutcome } from '../eval/alfworld.js';
import { writeSet } from '../envs/alfworld/generator/index.js';
import type { ChatModel } from '../llm/model.js';
import { runEpisode } from '../rollout/episode.js';
import { runEpisodes } from '../rollout/scheduler.js';
import { RunStore } from '../store/run-store.js';
import { initBackend, initModel, makeConfig, saveCheckpoint, SIZES, SPECIAL, SPECIAL_TOKENS, trainBpe, type ModelSize } from '../model/index.js';
import { normaliseChat } from '../train/dataset.js';
import { trainEpo, type TrainExample } from '../train/trainer.js';
import { demoSuite, GAME_KNOBS } from './suite.js';
import { teacherModel } from './teacher.js';

/** The checkpoint the repository ships (relative to this file in src/ and in dist/). */
export const SHIPPED_STRATEGIST = fileURLToPath(new URL('../../assets/demo/strategist-0', import.meta.url));

export interface StartOptions {
  /** Folder for the corpus games, the corpus and the checkpoints. */
  dir: string;
  corpusEpisodes: number;
  /** Share of aimless steps in the teacher's corpus. */
  noise: number;
  epochs: number;
  lr: number;
  /** The built-in model's size (src/model/config.ts) and BPE vocabulary: a faster trainer affords a larger one. */
  size?: ModelSize;
  vocab?: number;
  maxSteps: number;
  seed: number;
  actor: ChatModel;
  actorRef: ModelRef;
  log?: Logger;
  signal?: AbortSignal;
  say?(line: string): void;
}

export const START_DEFAULTS = { corpusEpisodes: DEMO_DEFAULTS.corpusEpisodes, noise: DEMO_DEFAULTS.noise, epochs: 3, lr: 5e-3, size: DEMO_DEFAULTS.size as ModelSize, vocab: 512 };

/** Build the starting strategist under `dir`; returns its checkpoint folder. */
export async function buildStartingStrategist(o: StartOptions): Promise<string> {
  const log = o.log ?? silentLogger;
  const say = o.say ?? (() => {});
  const size = o.size ?? START_DEFAULTS.size;
  const corpus = join(o.dir, 'corpus.jsonl');
  if (!existsSync(corpus)) {
    const games = join(o.dir, 'games', 'corpus');
    if (!existsSync(join(games, 'manifest.json'))) writeSet(games, o.corpusEpisodes, { seed: deriveSeed(o.seed, 'demo-games', 'corpus') % 1_000_000, ...GAME_KNOBS });
    const cs = await demoSuite(games, 'demo-corpus', o.maxSteps);
    const store = RunStore.open(join(o.dir, 'corpus.sqlite'));
    try {
      const teacher = teacherModel(o.noise);
      const setup = { run: 'demo-corpus', mode: 'epo' as const, prompts: cs.prompts, strategist: { model: teacher, ref: { spec: teacher.spec } }, actor: { model: o.actor, ref: o.actorRef }, maxSteps: o.maxSteps, showAdmissible: true, outcome: alfworldOutcome, codeVersion: codeVersion(), taskRecord: cs.taskRecord };
      await runEpisodes(cs.tasks.map((task) => ({ id: `${task.id}#0`, task })), (it, signal) => runEpisode(setup, { task: it.task, env: cs.makeEnv(), trial: 0, seed: deriveSeed(o.seed, 'corpus', it.task.id), signal }), store, { concurrency: 8, signal: o.signal, log });
      const lines: string[] = [];
      let wins = 0;
      for (const e of store.episodes()) { lines.push(JSON.stringify({ messages: strategistChat(e) })); if (e.outcome.success) wins++; }
      writeFileSync(corpus, lines.join('\n') + '\n');
      say(`corpus: ${lines.length} teacher episodes (noise ${o.noise}), teacher success ${wins}/${lines.length}`);
    } finally { store.close(); }
  }
  const examples: TrainExample[] = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).flatMap((line, i) => {
    const c = normaliseChat(JSON.parse(line).messages);
    return typeof c === 'string' ? [] : [{ id: `corpus-${i}`, system: c.system, messages: c.messages, weights: c.messages.filter((m) => m.role === 'assistant').map(() => 1) }];
  });
  const init = join(o.dir, 'strategist-init');
  if (!existsSync(join(init, 'model.safetensors'))) {
    await initBackend();
    const tok = trainBpe(examples.flatMap((e) => [e.system ?? '', ...e.messages.map((m) => m.content)]), o.vocab ?? START_DEFAULTS.vocab, SPECIAL_TOKENS);
    const model = initModel(makeConfig({ vocab_size: tok.vocabSize, ...SIZES[size] }, { bos: tok.special(SPECIAL.bos), eos: [tok.special(SPECIAL.eot), tok.special(SPECIAL.eos)], pad: tok.special(SPECIAL.pad) }), o.seed);
    saveCheckpoint(init, { model, tokenizer: tok });
    for (const v of model.params.values()) v.dispose();
  }
  const out = join(o.dir, 'strategist-0');
  say(`imitation pretraining of the ${size} built-in strategist on ${examples.length} teacher chats (${o.epochs} epochs)…`);
  const r = await trainEpo({
    init, out, examples, epochs: o.epochs, lr: o.lr, warmupRatio: 0.05, minLrRatio: 0.1, batchSize: 8, accum: 1, clip: 1, weightDecay: 0.1,
    klCoef: 0, advantages: 'signed', maxLen: 1024, seed: o.seed, saveEvery: 25, log: log.child({ stage: 'pretrain' }), signal: o.signal,
  });
  say(`pretrained: ${r.steps} steps, loss ${r.finalLoss.toFixed(3)}${r.alreadyDone ? ' (already done)' : `, ${r.tokensPerSecond.toFixed(0)} tok/s`}`);
  return out;
}
