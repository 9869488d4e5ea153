/**
 * Self-play with strategists given as specs that carry secrets inline: the calls get the real spec, the run store
 * (its state, episodes and exported dataset) only the public one, and a resumed loop asks for the spec again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleActor } from '../src/agents/rule-actor.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { modelRef } from '../src/llm/spec.js';
import { makeRule } from '../src/rewards/returns.js';
import { selfPlay, type SelfPlayOptions } from '../src/selfplay/selfplay.js';
import { folderBytes } from './helpers/output.js';
import { baseModelFolder } from './helpers/base-model.js';
import { doorsSuite } from './helpers/doors.js';

const suite = doorsSuite;

describe('self-play with inline secrets in strategist specs', () => {
  it('calls with the real specs, stores only public ones, and needs the spec again to go on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'epo-selfplay-secret-'));
    const first = 'http://127.0.0.1:9/v1#s0?header.X-Api-Key=sk-first-0123456789';
    const next = 'http://127.0.0.1:9/v1#s1?header.X-Api-Key=sk-next-0123456789';
    const called: string[] = [];
    const base = baseModelFolder();
    const actor = ruleActor();
    const options = (extra: Partial<SelfPlayOptions>): SelfPlayOptions => ({
      run: 'sp', runsRoot: root, trainSuite: suite('train', 4), evalSuite: suite('eval', 4), strategist: first,
      actor: { model: actor, ref: { spec: actor.spec } },
      makeStrategist(spec) {
        called.push(spec);
        return { model: scriptedModel(['Thought: go right.'], { spec: 'scripted:doors', cycle: true }), ref: modelRef(spec, { temperature: 0 }) };
      },
      judge: 'env', rule: makeRule('reference'), iterations: 2, episodes: 4, concurrency: 2, showAdmissible: true, seed: 1, handoff: { model: base }, ...extra,
    });
    const waiting = await selfPlay(options({}));
    expect(waiting.waiting).toBe(true); // a served strategist is trained outside
    expect(waiting.state.iterations[0].strategist).toBe('http://127.0.0.1:9/v1#s0?header.X-Api-Key=[REDACTED]');

    const resumed = await selfPlay(options({ next: { 1: next } }));
    expect(resumed.state.iterations[1].strategist).toBe('http://127.0.0.1:9/v1#s1?header.X-Api-Key=[REDACTED]');
    expect(called).toEqual([first, first, next, next]); // it0 eval, it1 rollouts, it1 eval, it2 rollouts: the real specs
    expect(resumed.waiting).toBe(true); // for iteration 2's checkpoint
    const bytes = folderBytes(join(root, 'sp'));
    expect(bytes).toContain('header.X-Api-Key=[REDACTED]');
    expect(bytes.includes('sk-first-0123456789') || bytes.includes('sk-next-0123456789')).toBe(false);

    // iteration 2 starts from iteration 1's strategist, whose secret is not stored: the loop asks for it
    await expect(selfPlay(options({}))).rejects.toThrow(/the strategist of iteration 1 .* was given with secrets, which are not stored; give it again with --next 1=<spec>/);
  });
});
