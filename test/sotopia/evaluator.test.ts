import { describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { completeJson } from '../../src/llm/structured.js';
import { scriptedJudgeReply } from '../../src/agents/sotopia/scripted.js';
import { builtinSotopia } from '../../src/envs/sotopia/data.js';
import { DIMENSIONS, EVALUATION_JSON_SCHEMA, evaluationSchema, overallScore, RANGES } from '../../src/envs/sotopia/evaluator.js';
import { evaluateSotopiaEpisode, type SotopiaEvaluation } from '../../src/rollout/sotopia.js';

const seat = (over: Record<string, number> = {}) =>
  Object.fromEntries(DIMENSIONS.map((d) => [d, { reasoning: `why ${d}`, score: over[d] ?? 0 }]));

describe('evaluator output', () => {
  it('parses both seats; overall is the plain mean of the seven raw scores', () => {
    const r = evaluationSchema.parse({
      agent_1: seat({ believability: 9, relationship: 3, knowledge: 5, secret: -2, social_rules: 0, financial_and_material_benefits: 1, goal: 8 }),
      agent_2: seat({ believability: 6, relationship: -5, knowledge: 10, secret: -10, social_rules: -3, financial_and_material_benefits: -5, goal: 0 }),
    });
    expect(overallScore(r.seats[0])).toBeCloseTo(24 / 7, 12);
    expect(overallScore(r.seats[1])).toBeCloseTo(-7 / 7, 12);
    expect(r.seats[0].goal).toEqual({ reasoning: 'why goal', score: 8 });
  });

  it("accepts the reference's [reasoning, score] pairs and keys", () => {
    const pairs = Object.fromEntries(DIMENSIONS.map((d) => [d, ['because', RANGES[d][1]]]));
    const r = evaluationSchema.parse({ agent_1_evaluation: pairs, agent_2_evaluation: pairs });
    expect(r.seats[1].secret).toEqual({ reasoning: 'because', score: 0 });
    expect(r.seats[0].goal.score).toBe(10);
  });

  it('rejects each out-of-range score, naming the dimension and its range', () => {
    for (const d of DIMENSIONS) {
      const [lo, hi] = RANGES[d];
      for (const bad of [lo - 1, hi + 1]) {
        const res = evaluationSchema.safeParse({ agent_1: seat(), agent_2: seat({ [d]: bad }) });
        expect(res.success, `${d}=${bad}`).toBe(false);
        expect(JSON.stringify(res.error!.issues)).toContain(`${d} score must be a number from ${lo} to ${hi}`);
      }
      expect(evaluationSchema.safeParse({ agent_1: seat({ [d]: lo }), agent_2: seat({ [d]: hi }) }).success).toBe(true);
    }
  });

  it('the JSON schema sent as response_format carries every dimension with its bounds', () => {
    const s = EVALUATION_JSON_SCHEMA.schema as { properties: Record<string, { properties: Record<string, { properties: { score: { minimum: number; maximum: number } } }> }> };
    expect(s.properties.agent_2.properties.social_rules.properties.score).toEqual({ type: 'integer', minimum: -10, maximum: 0 });
    expect(Object.keys(s.properties.agent_1.properties)).toEqual([...DIMENSIONS]);
  });

  it('bounded repair: a range error is sent back and the corrected reply is used', async () => {
    const bad = JSON.stringify({ agent_1: seat({ goal: 11 }), agent_2: seat() });
    const judge = scriptedModel([bad, scriptedJudgeReply(6)]);
    const r = await completeJson(judge, { messages: [{ role: 'user', content: 'judge' }] }, evaluationSchema, { maxRepairs: 2 });
    expect(r.attempts).toBe(2);
    expect(r.value.seats[0].goal.score).toBe(6);
    expect(judge.calls[1].messages.at(-1)!.content).toContain('agent_1.goal');
  });
});

describe('evaluating a stored episode', () => {
  const data = builtinSotopia();
  const combo = data.combos[1];
  const base = (): Episode => ({
    id: 'x#0', run: 'r', env: 'sotopia', taskId: 'x', trial: 0, seed: 3, models: {}, codeVersion: 't',
    task: { scenarioId: combo.scenarioId, testSeats: [1], scenario: data.scenarios.get(combo.scenarioId), characters: combo.characterIds.map((c) => data.characters.get(c)) },
    initialObservation: '', outcome: { reward: 0, success: false, reason: 'left' }, startedAt: '', finishedAt: '',
    turns: [
      { index: 0, seat: 0, action: '', observation: '', reward: 0, done: false, info: { actionType: 'speak', argument: 'Can you cover Friday?' } },
      { index: 1, seat: 1, action: '', observation: '', reward: 0, done: true, info: { actionType: 'leave', argument: '' } },
    ],
  });

  it('a judge that never gives valid JSON leaves the episode unevaluated (kept, not crashed)', async () => {
    const e = base();
    const ev = await evaluateSotopiaEpisode(e, scriptedModel(['{"agent_1": {}}'], { cycle: true }), { sampling: { maxRepairs: 1 } });
    expect(ev.ok).toBe(false);
    expect(ev.error).toMatch(/no valid JSON after 2 attempts/);
    expect(e.outcome).toMatchObject({ evaluated: false, reward: 0 });
  });

  it('reward is goal/10 of the tested seat (seat 1 here)', async () => {
    const one = JSON.stringify({ agent_1: seat({ goal: 2 }), agent_2: seat({ goal: 10 }) });
    const e = base();
    await evaluateSotopiaEpisode(e, scriptedModel([one]));
    expect(e.outcome).toMatchObject({ reward: 1, evaluated: true, seatRewards: [0.2, 1] });
    expect((e.evaluation as unknown as SotopiaEvaluation).seats!.map((s) => s.character)).toEqual(['Ravi Menon', 'Noor Haddad']);
  });
});

describe('an evaluator endpoint that fails', () => {
  it('keeps the episode unevaluated instead of losing the dialogue', async () => {
    const data = builtinSotopia();
    const combo = data.combos[0];
    const e: Episode = {
      id: 'y#0', run: 'r', env: 'sotopia', taskId: 'y', trial: 0, seed: 3, models: {}, codeVersion: 't',
      task: { scenarioId: combo.scenarioId, testSeats: [0], scenario: data.scenarios.get(combo.scenarioId), characters: combo.characterIds.map((c) => data.characters.get(c)) },
      initialObservation: '', outcome: { reward: 0, success: false, reason: 'left' }, startedAt: '', finishedAt: '',
      turns: [{ index: 0, seat: 0, action: '', observation: '', reward: 0, done: true, info: { actionType: 'leave', argument: '' } }],
    };
    const down = { spec: 'down', complete: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) };
    const ev = await evaluateSotopiaEpisode(e, down);
    expect(ev).toMatchObject({ ok: false, error: 'Error: connect ECONNREFUSED 127.0.0.1:9' });
    expect(e.outcome.evaluated).toBe(false);
  });
});
