/**
 * The judge under the reference protocol (prm.py): the request message by message, built here from the installed
 * prm.py (through its extract) and prm.py's rules stated in this file; 0-based positions over the whole record;
 * no limit on picks; temperature 0.7; the first {…}; a failed judgement keeps the episode with its outcome only,
 * where epo's protocol drops it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHARACTERS, BUILTIN_COMBOS, BUILTIN_SCENARIOS } from '../../src/envs/sotopia/builtin.js';
import type { Character } from '../../src/envs/sotopia/profiles.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { extractJudgePrompts, PRM_PY } from '../../src/reference/judge-extract.js';
import { extractSotopiaEvaluator, extractSotopiaProfiles, extractSotopiaPrompts, EVALUATORS_PY, GENERATE_PY, PARALLEL_PY } from '../../src/reference/sotopia-extracts.js';
import { runSotopiaEpisode } from '../../src/rollout/sotopia.js';
import { referenceSotopia } from '../../src/rollout/sotopia-protocol.js';
import { judgeEpisode } from '../../src/rewards/judge/label.js';
import { PyFloat, pyRepr } from '../../src/rewards/judge/python-repr.js';
import { parseReferenceJudgement, referenceJudgeEpisode, referenceJudgeRequest } from '../../src/rewards/judge/reference.js';
import { makeRule } from '../../src/rewards/returns.js';
import { buildDataset } from '../../src/train/dataset.js';
import type { Episode } from '../../src/core/episode.js';
import type { Label } from '../../src/core/label.js';
import { findData } from '../helpers/data.js';

// the release's files as installed (or the development copy); absent: every test here is skipped with a printed reason
const RELEASE = findData('epo-reference', 'Sotopia/sotopia/generation_utils/generate.py') && findData('epo-reference', 'LLaMA-Factory/data/utils/prm.py') && findData('epo-reference');
const source = (rel: string) => readFileSync(join(RELEASE!, rel), 'utf8');
const PROMPTS = RELEASE ? extractJudgePrompts(source(PRM_PY)) : (undefined as never);
const SOTOPIA = RELEASE ? referenceSotopia({
  prompts: extractSotopiaPrompts(source(GENERATE_PY)), profiles: extractSotopiaProfiles(source(PARALLEL_PY)), evaluator: extractSotopiaEvaluator(source(EVALUATORS_PY)),
}) : (undefined as never);

const DIMS = ['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal'];
const scores = (goal: number) => Object.fromEntries(DIMS.map((d) => [d, ['because', d === 'goal' ? goal : 0]]));

/** A reference-protocol self-play episode of 4 turns (seat 0 leaves at turn 4), goals 7 and 3. */
async function episode(): Promise<Episode> {
  const combo = BUILTIN_COMBOS[0];
  const scenario = BUILTIN_SCENARIOS.find((s) => s.id === combo.scenarioId)!;
  const characters = combo.characterIds.map((id) => BUILTIN_CHARACTERS.find((c) => c.id === id)!) as [Character, Character];
  const strategist = scriptedModel((_r, i) => `Strategy: step ${i}`);
  const actor = scriptedModel((_r, i) => (i === 4 ? '{"action_type": "leave", "argument": ""}' : JSON.stringify({ action_type: 'speak', argument: `it's line ${i}` })));
  const evaluator = scriptedModel(() => JSON.stringify({ agent_1_evaluation: scores(7), agent_2_evaluation: scores(3) }));
  return runSotopiaEpisode({
    id: 'e1', taskId: combo.id, trial: 0, seed: 1, run: 'r', combo, scenario, characters, testSeats: [0, 1], models: {},
    seats: [{ actor, strategist }, { actor, strategist }], evaluator, protocol: SOTOPIA, codeVersion: 'test',
  });
}

describe.skipIf(!RELEASE)('the judge prompts extracted from prm.py', () => {
  it('holds the three environments\' texts around the record, the SOTOPIA one with agent1/agent2 placeholders', () => {
    expect(PROMPTS.sotopia.before.startsWith("Here's a conversation in JSON format between agent1 and agent2")).toBe(true);
    expect(PROMPTS.sotopia.before.endsWith('\n\n')).toBe(true); // the \n\n escapes decoded
    expect(PROMPTS.sotopia.after).toContain('"indexes"');
    expect(PROMPTS.webshop.before).toContain('online shopping');
    expect(PROMPTS.alfworld.after).toContain('household task');
    expect(() => extractJudgePrompts(source(PRM_PY).replace('alfworld_prompt = ', 'x = '))).toThrow(/prm\.py/);
  });
});

describe.skipIf(!RELEASE)("Python's str() of the record", () => {
  it('quotes, escapes, floats, None and True as Python prints them', () => {
    expect(pyRepr({ a: "it's", b: [1, new PyFloat(1), 0.5], c: 'x\ny\t"q"\\', d: null, e: true, f: 'say "hi"', g: '\u00a0\u200b' }))
      .toBe(`{'a': "it's", 'b': [1, 1.0, 0.5], 'c': 'x\\ny\\t"q"\\\\', 'd': None, 'e': True, 'f': 'say "hi"', 'g': '\\xa0\\u200b'}`);
    expect(pyRepr(`both ' and "`)).toBe(`'both \\' and "'`);
  });
});

describe.skipIf(!RELEASE)('the reference judge request and labels', () => {
  it('one user message: the prompt around the record (first human cut, positions, goal score), the names filled in', async () => {
    const e = await episode();
    const seat0 = e.turns.filter((t) => t.seat === 0 && t.strategist);
    const last = seat0.at(-1)!.strategist!;
    const chat = [...last.input, { role: 'assistant', content: last.output }];
    // prm.py: names from the first human turn, then the turn cut to its context and the format block removed
    const first = chat[0].content;
    const A = /Your current objective is to assist (.+?) in reaching their goal/.exec(first)![1];
    const B = /in an interaction with (.+?) \n/.exec(first)![1];
    expect(B).toBe('Tomas Lindqvist.'); // the reference's capture keeps the period
    let cut = first.slice(first.indexOf('Here is the context of this interaction:\n'));
    cut = cut.slice(0, cut.indexOf('Your output should STRICTLY follow the format'))
      + cut.slice(cut.indexOf('limit it to be a single phrase or sentence within 10 words') + 'limit it to be a single phrase or sentence within 10 words'.length);
    const conversations = chat.map((m, index) => ({ from: m.role === 'assistant' ? 'gpt' : 'human', value: index === 0 ? cut : m.content, index }));
    const expected = (PROMPTS.sotopia.before + pyRepr({ conversations, score: 7 }) + PROMPTS.sotopia.after).split('agent1').join(A).split('agent2').join(B);
    const req = referenceJudgeRequest(e, PROMPTS, 0);
    expect(req.messages).toEqual([{ role: 'user', content: expected }]);
    expect(req.roles).toEqual(['human', 'gpt', 'human', 'gpt', 'human', 'gpt']);
  });

  it('0-based positions over the whole record, human positions ignored, no limit on picks, temperature 0.7', async () => {
    const e = await episode();
    // seat 0 acted at turns 0, 2, 4: record positions 1, 3, 5 are its strategies; seat 1 (turns 1, 3): positions 1, 3
    const judge = scriptedModel((_r, i) => (i === 0 ? 'Picks: {"indexes": [0, 1, 3, 5, 9], "reasoning": "all of them"} ok' : '{"indexes": [2, 3.0, "1"], "reasoning": "the second"}'));
    const l = await referenceJudgeEpisode(e, { model: judge, prompts: PROMPTS });
    expect(judge.calls.map((c) => c.temperature)).toEqual([0.7, 0.7]);
    expect(judge.calls[0].jsonSchema).toBeUndefined();
    // strategist turns in episode order: t0 (seat 0), t1 (seat 1), t2 (seat 0), t3 (seat 1), t4 (seat 0)
    expect(l.rewards).toEqual([1, 0, 1, 1, 1]);
    expect(l.critical).toEqual([0, 2, 3, 4]);
    expect(l.failed).toBeUndefined();
  });

  it('reads the first {…} only (a brace in the reasoning cuts it) and removes control characters first', () => {
    expect(parseReferenceJudgement('{"indexes": [1],\n"reasoning": "ok"}')).toEqual({ ok: true, positions: [1], reasoning: 'ok' });
    const cut = parseReferenceJudgement('{"indexes": [1], "reasoning": "a {b} c"}');
    expect(cut.ok).toBe(false);
    expect(parseReferenceJudgement('{"reasoning": "none"}')).toEqual({ ok: false, problem: 'its first {…} has no "indexes"' });
  });

  it('a failed judgement keeps the episode with its outcome only; epo\'s protocol leaves it unlabelled and drops it', async () => {
    const e = await episode();
    const bad = () => scriptedModel(() => 'I cannot decide.');
    const ref = await referenceJudgeEpisode(e, { model: bad(), prompts: PROMPTS, labeler: 'judge:j' });
    expect(ref.rewards).toEqual([0, 0, 0, 0, 0]);
    expect(ref.critical).toEqual([]);
    expect(ref.failed).toBe('seat 0: the answer holds no {…} object; seat 1: the answer holds no {…} object');
    await expect(judgeEpisode(e, { model: bad(), maxRepairs: 0 })).rejects.toThrow(/no usable answer/);

    const labels = new Map<string, Label>([['e1', ref]]);
    const src = (withLabel: boolean) => [{ name: 'r', episodes: () => [e], getLabel: (id: string) => (withLabel ? labels.get(id) : undefined) }];
    const kept = buildDataset(src(true), { rule: makeRule('reference'), labeler: 'judge:j' });
    expect(kept.examples.map((x) => [x.seat, x.outcome])).toEqual([[0, 0.7], [1, 0.3]]);
    expect(kept.examples[0].rewards).toEqual([0, 0, 0.7]);
    const dropped = buildDataset(src(false), { rule: makeRule('reference'), labeler: 'judge:j' });
    expect(dropped.examples).toEqual([]);
  });
});
