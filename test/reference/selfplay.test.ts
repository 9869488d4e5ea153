/**
 * Self-play on SOTOPIA under the reference protocol (built-in tasks, a served strategist, so the loop stops for
 * training outside): rollouts play by the reference's rules and layout, and the labels come from the release's judge
 * (one request per seat holding the ShareGPT record), a failed judgement keeping the episode with its outcome.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectTasks } from '../../src/envs/sotopia/task-spec.js';
import type { ChatModel } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { extractJudgePrompts, PRM_PY } from '../../src/reference/judge-extract.js';
import { extractSotopiaEvaluator, extractSotopiaProfiles, extractSotopiaPrompts, EVALUATORS_PY, GENERATE_PY, PARALLEL_PY } from '../../src/reference/sotopia-extracts.js';
import { referenceSotopia } from '../../src/rollout/sotopia-protocol.js';
import { referenceJudgeEpisode } from '../../src/rewards/judge/reference.js';
import { makeRule } from '../../src/rewards/returns.js';
import { selfPlay } from '../../src/selfplay/selfplay.js';
import { sotopiaArena } from '../../src/selfplay/sotopia-arena.js';
import { DEFAULT_RULES } from '../../src/envs/sotopia/episode-rules.js';
import { RunStore } from '../../src/store/run-store.js';
import { findData } from '../helpers/data.js';

// the release's files as installed (or the development copy); absent: every test here is skipped with a printed reason
const RELEASE = findData('epo-reference', 'Sotopia/sotopia/generation_utils/generate.py') && findData('epo-reference', 'LLaMA-Factory/data/utils/prm.py') && findData('epo-reference');
const source = (rel: string) => readFileSync(join(RELEASE!, rel), 'utf8');
const DIMS = ['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal'];

describe.skipIf(!RELEASE)('SOTOPIA self-play under the reference protocol', () => {
  it('plays 21-action episodes with the reference layout and labels each seat with the release\'s judge', async () => {
    const root = mkdtempSync(join(tmpdir(), 'epo-ref-selfplay-'));
    const protocol = referenceSotopia({ prompts: extractSotopiaPrompts(source(GENERATE_PY)), profiles: extractSotopiaProfiles(source(PARALLEL_PY)), evaluator: extractSotopiaEvaluator(source(EVALUATORS_PY)) });
    const prompts = extractJudgePrompts(source(PRM_PY));
    const actor = scriptedModel(() => '{"action_type": "speak", "argument": "fine"}', { spec: 'scripted:actor' });
    const evaluator = scriptedModel(() => JSON.stringify({ agent_1_evaluation: Object.fromEntries(DIMS.map((d) => [d, ['x', d === 'goal' ? 5 : 0]])), agent_2_evaluation: Object.fromEntries(DIMS.map((d) => [d, ['x', d === 'goal' ? 5 : 0]])) }), { spec: 'scripted:evaluator' });
    // the first seat's judgement picks position 1 (its first strategy); the other's is not JSON
    const judge = scriptedModel((req) => (/^Here's a conversation in JSON format between (Ines|Ravi) /.test(req.messages[0].content) ? '{"indexes": [1], "reasoning": "opening"}' : 'unsure'), { spec: 'scripted:judge' });
    const strategist: ChatModel = scriptedModel(() => 'Strategy: listen first', { spec: 'scripted:strategist' });
    const arena = sotopiaArena({
      train: selectTasks('builtin:0-2', '--train-tasks'), eval: selectTasks('builtin:2-3', '--eval-tasks'),
      actor, evaluator, rules: DEFAULT_RULES, protocol, concurrency: 2,
    });
    const r = await selfPlay({
      run: 'ref', runsRoot: root, arena, strategist: 'scripted:strategist',
      makeStrategist: (spec) => ({ model: strategist, ref: { spec, temperature: 0.7 } }),
      judge, judgeWith: (e, model, signal) => referenceJudgeEpisode(e, { model, prompts, signal }),
      rule: makeRule('reference'), iterations: 1, episodes: 2, concurrency: 2, seed: 3,
      handoff: { model: 'meta-llama/Meta-Llama-3-8B-Instruct' },
    } as Parameters<typeof selfPlay>[0]);
    expect(r.waiting).toBe(true);
    const st = RunStore.open(join(root, 'ref', 'it1-rollouts', 'epo.sqlite'));
    try {
      const episodes = [...st.episodes()];
      expect(episodes).toHaveLength(2);
      for (const e of episodes) {
        expect(e.turns).toHaveLength(21);
        expect((e.task as { protocol?: string }).protocol).toBe('reference');
        expect(e.turns[0].actor!.input).toHaveLength(1);
        const l = st.getLabel(e.id, 'judge:scripted:judge')!;
        expect(l.rewards).toHaveLength(21);
        expect(l.critical).toEqual([0]); // seat 0's first strategy, turn 0
        expect(l.failed).toBe('seat 1: the answer holds no {…} object');
      }
    } finally { st.close(); }
    expect(judge.calls.every((c) => c.messages.length === 1 && c.temperature === 0.7)).toBe(true);
  }, 60_000);
});
