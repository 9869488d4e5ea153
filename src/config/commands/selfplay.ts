/** `epo selfplay`: rollouts → labels → weights → dataset → training → held-out evaluation, per iteration. */
import { RULE_NAMES } from '../../rewards/returns.js';
import { RULES } from '../number.js';
import { int, num, str, withDefault } from '../schema.js';
import { concurrency, data, maxSteps, next, reportTo, run, samples, seed, showAdmissible, temperature, training, trials } from './common.js';

export const selfplayConfig = {
  environment: {
    env: str('alfworld, webshop, sotopia, or an environment module (./my-env.ts) or package', { arg: '<name|path>', required: true }),
    trainTasks: str("training tasks: a split (default: the environment's, e.g. valid_train); SOTOPIA (required): builtin|all|hard|extra[:FROM-TO], e.g. builtin:0-3, extra, all:0-300", { arg: '<tasks>' }),
    evalTasks: str("held-out tasks: a split (default: the environment's, e.g. valid_seen); SOTOPIA (required): as --train-tasks, e.g. builtin:3-5, hard, all:300-", { arg: '<tasks>' }),
    evalLimit: int('first N held-out tasks', RULES.tasks),
    data,
  },
  models: {
    strategist: str('starting strategist (local:DIR is trained in process)', { arg: '<spec>', required: true }),
    actor: str('actor model (e.g. scripted:rule-actor with --show-admissible, or any LLM); in SOTOPIA it acts both seats', { arg: '<spec>', required: true }),
    partner: str('SOTOPIA: actor model of seat 1 (default: --actor); the strategist guides both seats either way', { arg: '<spec>' }),
    judge: str('process rewards: env (environment progress; not SOTOPIA) or a judge model spec (required for SOTOPIA)', { arg: '<env|spec>', default: 'env' }),
    evaluator: str('SOTOPIA: the 7-dimension evaluator that scores each episode', { arg: '<spec>', defaultText: 'the --judge model' }),
    temperature: { ...temperature, default: 1, help: 'strategist sampling temperature in rollouts' },
    evalTemperature: { ...temperature, default: 0.7, help: 'strategist sampling temperature in evaluations' },
    actorTemperature: { ...temperature, help: 'SOTOPIA: actor sampling temperature (ALFWorld/WebShop actors run at 0)', defaultText: '0.7' },
    maxTokens: int('token budget per call (SOTOPIA: strategist calls; the actor keeps its JSON budget)', { ...RULES.maxTokens, default: 128 }),
    next,
  },
  loop: {
    iterations: int('self-play iterations', { ...RULES.iterations, default: 3 }),
    episodes: int('training episodes per iteration', { ...RULES.episodes, default: 64 }),
    trials: { ...trials, help: 'rollouts per training task (a group for --rule baseline|grpo)' },
    rule: str('return rule', { default: 'reference', choices: RULE_NAMES }),
    gamma: num('discount of the return rule', { ...RULES.fraction, defaultText: "the rule's (0.99)" }),
    window: int('train on the rollouts of the last N iterations', { ...RULES.iterations, default: 1 }),
    concurrency,
    maxSteps: { ...maxSteps, help: 'step limit per episode (ALFWorld/WebShop)' },
    maxTurns: int('SOTOPIA: turns per episode, both seats together', { ...RULES.steps, defaultText: '20' }),
    actionTypes: str('SOTOPIA: full (none, speak, non-verbal communication, action, leave) or epo (none, speak, leave, as the reference fork)', { default: 'full', choices: ['full', 'epo'] }),
    showAdmissible,
    seed: { ...seed, help: 'seed' },
  },
  training: {
    ...training,
    epochs: withDefault(training.epochs, 2),
  },
  handoff: {
    baseModel: str("strategists trained outside (required for them): the base model's folder (config.json, tokenizer.json: exact token counts for the cutoff check) or hub id, written as model_name_or_path in the LLaMA-Factory YAML", { arg: '<path|id>' }),
    template: str('strategists trained outside: the LLaMA-Factory chat template', { default: 'llama3', arg: '<name>' }),
    cutoffLen: int('strategists trained outside: LLaMA-Factory cutoff_len; examples whose scored turns it would cut are handled per --on-cutoff', { ...RULES.maxLen, default: 4096 }),
    onCutoff: str('what to do with an example whose scored turns the cutoff would cut: drop, trim (later turns) or warn', { default: 'drop', choices: ['drop', 'trim', 'warn'], arg: '<policy>' }),
  },
  output: {
    run: withDefault(run, 'selfplay'),
    reportTo,
    samples,
  },
};
