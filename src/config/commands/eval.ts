/** `epo eval <env>` and `epo eval --env <module>`: the strategist ⇄ actor loop over a split, resumable. */
import { RULES } from '../number.js';
import { bool, int, num, str, list } from '../schema.js';
import { concurrency, data, maxSteps, maxTokens, protocol, run, seed, showAdmissible, temperature, trials } from './common.js';

export const MODES = ['epo', 'actor-only', 'single'] as const;

export const evalConfig = {
  environment: {
    env: str('the environment: a registered name (alfworld, webshop), a module path (./my-env.ts) or a package', { arg: '<name|path>' }),
    split: str('the split to evaluate', { arg: '<name>', defaultText: "the environment's (ALFWorld valid_unseen, WebShop test)" }),
    limit: int('only the first n tasks of the split (after its order)', RULES.tasks),
    types: list('only these task types, e.g. Pick,Look (ALFWorld: pick_and_place_simple, … or Pick, Look, Clean, Heat, Cool, PickTwo)'),
    order: str('task order before --limit: reference (the environment\'s; ALFWorld valid_unseen: the reference evaluation order), sorted, or shuffle (by --seed)', { default: 'reference', choices: ['reference', 'sorted', 'shuffle'] }),
    example: bool('give both roles a one-shot example (--no-example: zero-shot)', { default: true }),
    protocol,
    data,
  },
  models: {
    mode: str('epo (strategist + actor), actor-only (the actor thinks for itself: the baseline), single (the --strategist model plays both roles)', { default: 'epo', choices: MODES }),
    strategist: str('strategist model spec, e.g. http://127.0.0.1:8000/v1#my-model or openai:gpt-4o-mini', { arg: '<spec>' }),
    actor: str('actor model spec (not used with --mode single)', { arg: '<spec>' }),
    temperature: { ...temperature, default: 0, help: 'sampling temperature of both roles' },
    strategistTemperature: { ...temperature, help: "override the strategist's temperature" },
    actorTemperature: { ...temperature, help: "override the actor's temperature" },
    topP: num('nucleus sampling for both roles', { ...RULES.topP, defaultText: "the server's" }),
    maxTokens,
    systemRole: bool('instructions in a system message (--no-system-role: in the first user message, for chat templates without one)', { default: true }),
  },
  rollout: {
    maxSteps,
    trials,
    concurrency,
    timeout: num('per-episode time limit in seconds; an episode that runs out is not stored and is retried on the next run', { ...RULES.timeoutSeconds, default: 900 }),
    showAdmissible,
    seed,
    shard: str('run only shard i of n (0-based), e.g. 0/4; merge shards with `epo runs merge`', { arg: '<i/n>' }),
  },
  output: {
    run: { ...run, defaultText: 'eval-<env>-<split>-<mode>' },
    summary: str('also write the summary JSON here (it is always written to runs/<run>/summary.json)', { arg: '<file>' }),
    quiet: bool('no progress output', { default: false }),
  },
};
