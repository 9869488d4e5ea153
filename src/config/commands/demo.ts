/** `epo demo`: the EPO loop end to end, offline, on the built-in model (see docs/demo.md). */
import { RULES } from '../number.js';
import { bool, int, num, str } from '../schema.js';
import { next, protocol, reportTo, samples } from './common.js';

export const DEMO_DEFAULTS = {
  run: 'demo', iterations: 3, episodes: 96, evalTasks: 150, trainTasks: 300, pretrain: false,
  corpusEpisodes: 1200, noise: 0.3, gamma: 0.5, epochs: 4, lr: 2e-3, maxSteps: 12, concurrency: 16, workers: 2, seed: 1, size: 'tiny',
};

const d = DEMO_DEFAULTS;
export const demoConfig = {
  loop: {
    iterations: int('self-play iterations (0: only evaluate the starting strategist)', { ...RULES.iterations, min: 0, default: d.iterations }),
    episodes: int('training episodes per iteration', { ...RULES.episodes, default: d.episodes }),
    evalTasks: int('held-out games per evaluation', { ...RULES.episodes, default: d.evalTasks }),
    trainTasks: int('training games', { ...RULES.episodes, default: d.trainTasks }),
    epochs: int('training epochs per iteration over its weighted rollouts', { ...RULES.epochs, default: d.epochs }),
    lr: num('peak learning rate of each iteration\'s training', { ...RULES.learningRate, default: d.lr }),
    maxSteps: int('environment steps per game (rollouts and evaluation)', { integer: true, min: 1, max: 1000, default: d.maxSteps }),
    concurrency: int('episodes in flight', { ...RULES.concurrency, default: d.concurrency }),
    seed: int('seed', { ...RULES.seed, default: d.seed }),
  },
  strategist: {
    pretrain: bool('build the starting strategist here (teacher corpus + imitation, ~15 min on 2 cores) instead of using the shipped assets/demo/strategist-0', { default: false }),
    size: str('size of the built-in strategist built by --pretrain (micro 0.13 M, tiny 1.05 M parameters)', { choices: ['micro', 'tiny'], default: d.size }),
    start: str('another starting checkpoint folder for the built-in strategist', { arg: '<dir>' }),
    workers: int('worker threads for the built-in strategist (one core each)', { ...RULES.workers, default: d.workers }),
    strategist: str('a real strategist instead of the built-in one (e.g. http://127.0.0.1:8000/v1#m or local:DIR)', { arg: '<spec>' }),
    actor: str('a real actor instead of the rule-based one (it gets the available actions)', { arg: '<spec>' }),
    next: { ...next, help: 'with a --strategist trained outside: the served checkpoint of an iteration, as <iteration>=<spec>' },
    protocol: { ...protocol, help: "epo (epo's own) or reference (the EPO release's ALFWorld prompts, layout, parsing, 40 steps and greedy actor; its prompts exceed the built-in model's context, so it needs --strategist and --actor)" },
  },
  output: {
    run: str('run name (folder under runs/)', { arg: '<name>', default: d.run }),
    reportTo,
    samples,
  },
};
