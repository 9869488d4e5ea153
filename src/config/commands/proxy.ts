/** `epo proxy`: the strategist proxy in front of any OpenAI-compatible upstream (see docs/proxy.md). */
import { RULES } from '../number.js';
import { int, num, str } from '../schema.js';
import { seed } from './common.js';

export const PROXY_DEFAULTS = {
  inject: 'system', port: 8100, host: '127.0.0.1', run: 'proxy', onStrategistError: 'pass', strategistTimeout: 30, idleTimeout: 600,
  split: 0.5, maxBodyBytes: 4 * 1024 * 1024,
};

const d = PROXY_DEFAULTS;
export const proxyConfig = {
  models: {
    upstream: str('the agent\'s model endpoint: openai:<model> or http(s)://host:port/v1#<model> (key from key_env, as every spec)', { arg: '<spec>', required: true }),
    strategist: str('the strategist: any model spec (local:<checkpoint dir>, http(s)://…#m, openai:m, scripted:…)', { arg: '<spec>', required: true }),
    inject: str('where the strategy goes: system, user or assistant-prefix (docs/proxy.md shows each)', { default: d.inject, choices: ['system', 'user', 'assistant-prefix'], arg: '<mode>' }),
    onStrategistError: str('when the strategist fails or times out: pass (forward without a strategy, record the error) or fail (502 to the agent)', { default: d.onStrategistError, choices: ['pass', 'fail'], arg: '<mode>' }),
    strategistTimeout: num('seconds the strategist may take per request', { ...RULES.timeoutSeconds, default: d.strategistTimeout }),
    strategistMaxTokens: int('answer length limit of the strategist, in tokens', { ...RULES.maxTokens, default: 256 }),
  },
  ab: {
    candidate: str('a second strategist for an A/B test: new sessions go to it (arm B) with probability --split', { arg: '<spec>' }),
    split: num('share of new sessions sent to the candidate (arm B)', { ...RULES.fraction, default: d.split }),
    seed: { ...seed, help: 'seed of the A/B assignment' },
  },
  server: {
    host: str('address to bind (0.0.0.0 only on a trusted network)', { default: d.host, arg: '<host>' }),
    port: int('port (0 picks a free one)', { integer: true, min: 0, max: 65535, default: d.port, arg: '<port>' }),
    tokenEnv: str('require "Authorization: Bearer <token>" from agents, the token read from this environment variable', { arg: '<VAR>' }),
    maxBodyBytes: int('largest request body accepted (bigger ones get 413)', { integer: true, min: 1, max: 2 ** 30, default: d.maxBodyBytes }),
  },
  record: {
    run: str('run the sessions are stored in (folder under runs/)', { default: d.run, arg: '<name>' }),
    idleTimeout: num('seconds without a request after which a session is closed and stored (0: only by outcome or shutdown)', { min: 0, max: 604_800, unit: 'seconds', default: d.idleTimeout }),
  },
};
