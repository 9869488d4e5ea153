/**
 * The built-in model on one thread vs on worker threads (`local:DIR?workers=N`): the demo's held-out evaluation
 * workload (its household games, the rule actor, 16 episodes in flight) played with the shipped starting strategist,
 * once per worker count. Reports episodes/s, strategist completions/s and the speed-up; answers are seeded per
 * request, so every setting plays the same episodes (checked: same successes).
 *   npm run -s bench -- model-workers [--games 60] [--workers 1,2]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleActor } from '../src/agents/rule-actor.js';
import { writeSet } from '../src/envs/alfworld/generator/index.js';
import { evaluate } from '../src/eval/evaluate.js';
import { createModel } from '../src/llm/create.js';
import { registerLocalBackend } from '../src/model/register.js';
import { demoSuite, GAME_KNOBS } from '../src/demo/suite.js';
import { SHIPPED_STRATEGIST } from '../src/demo/start.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const games = Number(arg('games', '60'));
const counts = arg('workers', '1,2').split(',').map(Number);
registerLocalBackend();
const root = mkdtempSync(join(tmpdir(), 'epo-bench-workers-'));
writeSet(join(root, 'games'), games, { seed: 777, ...GAME_KNOBS });
const suite = await demoSuite(join(root, 'games'), 'bench', 10);
const actor = ruleActor();
const figures: Record<string, number> = {};
let base = 0;
for (const w of counts) {
  const spec = `local:${SHIPPED_STRATEGIST}${w > 1 ? `?workers=${w}` : ''}`;
  const model = createModel(spec);
  await model.complete({ messages: [{ role: 'user', content: 'Task: warm up.' }], maxTokens: 2, seed: 0 }); // load the weights first
  const t0 = performance.now();
  const r = await evaluate({
    suite, run: `w${w}`, runsRoot: root, mode: 'epo', strategist: { model, ref: { spec, temperature: 1, maxTokens: 24 } },
    actor: { model: actor, ref: { spec: actor.spec, temperature: 0, maxTokens: 32 } }, concurrency: 16, maxSteps: 10, seed: 5, showAdmissible: true,
  });
  const secs = (performance.now() - t0) / 1000;
  await model.close?.();
  const calls = r.summary.metrics.episodes * r.summary.metrics.steps.mean;
  base ||= secs;
  console.log(`workers ${w}: ${games} episodes in ${secs.toFixed(1)} s = ${(games / secs).toFixed(2)} episodes/s, ~${(calls / secs).toFixed(0)} strategist calls/s, success ${(r.summary.metrics.success.mean * 100).toFixed(1)}%, speed-up ${(base / secs).toFixed(2)}x`);
  Object.assign(figures, { [`workers${w}_episodes_per_s`]: Number((games / secs).toFixed(2)), [`workers${w}_seconds`]: Number(secs.toFixed(1)), [`workers${w}_success_pct`]: Number((r.summary.metrics.success.mean * 100).toFixed(1)) });
}
console.log(JSON.stringify(figures));
