import { describe, expect, it } from 'vitest';
import { strategistChat, type Episode } from '../../src/core/episode.js';
import type { CompletionRequest } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { roleOf, scriptedJudgeReply } from '../../src/agents/sotopia/scripted.js';
import { parseStrategy } from '../../src/agents/sotopia/strategist.js';
import { builtinSotopia } from '../../src/envs/sotopia/data.js';
import { DEFAULT_RULES, endReason, EPO_ACTION_TYPES, seatAt, type AgentAction, type EpisodeRules } from '../../src/envs/sotopia/episode-rules.js';
import type { Character } from '../../src/envs/sotopia/profiles.js';
import { runSotopiaEpisode, sotopiaStrategistSamples, type SeatAgents, type SotopiaEvaluation } from '../../src/rollout/sotopia.js';

const data = builtinSotopia();
const combo = data.combos[0]; // Ines (seat 0) and Tomas (seat 1), acquaintances
const scenario = data.scenarios.get(combo.scenarioId)!;
const chars: [Character, Character] = [data.characters.get(combo.characterIds[0])!, data.characters.get(combo.characterIds[1])!];

const a = (type: AgentAction['type'], argument = ''): AgentAction => ({ type, argument });
const say = (s: string) => JSON.stringify({ action_type: 'speak', argument: s });
const NONE = '{"action_type": "none", "argument": ""}';
const LEAVE = '{"action_type": "leave", "argument": ""}';

/** An actor replying per 1-based turn number found in its prompt. */
const actorByTurn = (f: (turn: number, req: CompletionRequest) => string) =>
  scriptedModel((req) => f(Number(/It is turn #(\d+)/.exec(req.messages.map((m) => m.content).join('\n'))![1]), req));

function run(seats: [SeatAgents, SeatAgents], over: { rules?: EpisodeRules; judge?: ReturnType<typeof scriptedModel> } = {}): Promise<Episode> {
  return runSotopiaEpisode({
    id: 't#0', taskId: 't', trial: 0, seed: 1, run: 'r', combo, scenario, characters: chars, seats, evaluator: over.judge,
    testSeats: [0], models: {}, rules: over.rules, codeVersion: 'test',
  });
}

describe('episode rules', () => {
  it('ends on leave, on more than two consecutive none, and after max turns', () => {
    expect(endReason([a('speak', 'x'), a('leave')], DEFAULT_RULES)).toBe('left');
    expect(endReason([a('speak', 'x'), a('none'), a('none')], DEFAULT_RULES)).toBeUndefined();
    expect(endReason([a('speak', 'x'), a('none'), a('none'), a('none')], DEFAULT_RULES)).toBe('stale');
    expect(endReason([a('none'), a('none'), a('speak', 'x'), a('none'), a('none')], DEFAULT_RULES)).toBeUndefined();
    expect(endReason(Array.from({ length: 19 }, () => a('speak', 'x')), DEFAULT_RULES)).toBeUndefined();
    expect(endReason(Array.from({ length: 20 }, () => a('speak', 'x')), DEFAULT_RULES)).toBe('max_turns');
    expect([0, 1, 2, 3].map(seatAt)).toEqual([0, 1, 0, 1]);
  });
});

describe('the two-seat episode loop', () => {
  it('seat 0 acts first, seats alternate, only the seat in turn is asked, 20 turns at most (10 each)', async () => {
    const m0 = actorByTurn((t) => say(`ines ${t}`)), m1 = actorByTurn((t) => say(`tomas ${t}`));
    const e = await run([{ actor: m0 }, { actor: m1 }]);
    expect(e.turns.map((t) => t.seat)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2));
    expect([m0.calls.length, m1.calls.length]).toEqual([10, 10]);
    expect(e.outcome.reason).toBe('max_turns');
    expect(e.turns[0].observation).toBe('Turn #1: Ines Okafor said: "ines 1"');
    expect(e.turns[1].observation).toBe('Turn #2: Tomas Lindqvist said: "tomas 2"');
    expect(JSON.parse(e.turns[3].action)).toEqual({ action_type: 'speak', argument: 'tomas 4' });
    expect(e.turns.at(-1)!.done).toBe(true);
    // Each actor sees its own view: Tomas's prompt hides Ines's goal and secret but shows his own, plus the dialogue.
    const tomasPrompt = m1.calls[0].messages[1].content;
    expect(tomasPrompt).toContain("Ines Okafor's goal: Unknown");
    expect(tomasPrompt).not.toContain('sell the bakery');
    expect(tomasPrompt).toContain('Secret: He owes the bank');
    expect(tomasPrompt).toContain('Turn #1: Ines Okafor said: "ines 1"\n\nIt is turn #2 and it is your turn, Tomas Lindqvist.');
    expect(m0.calls[0].jsonSchema?.name).toBe('sotopia_action');
  });

  it('ends when a seat leaves, and after three consecutive none', async () => {
    const left = await run([{ actor: actorByTurn((t) => (t === 5 ? LEAVE : say('hi'))) }, { actor: actorByTurn(() => say('yo')) }]);
    expect([left.turns.length, left.outcome.reason]).toEqual([5, 'left']);
    expect(left.turns[4].observation).toBe('Turn #5: Ines Okafor left the conversation');
    const stale = await run([{ actor: actorByTurn((t) => (t >= 3 ? NONE : say('hi'))) }, { actor: actorByTurn((t) => (t >= 3 ? NONE : say('yo'))) }]);
    expect([stale.turns.length, stale.outcome.reason]).toEqual([5, 'stale']);
  });

  it('repairs a malformed reply; unusable output becomes none with the error recorded, never a crash', async () => {
    const repaired = scriptedModel(['I will greet them. {"action_type": "speak", "argument": "Hello"', 'sure: ```json\n{"action_type": "Speak", "argument": "Hello"}\n```', ...Array(20).fill(LEAVE)]);
    const e = await run([{ actor: repaired }, { actor: actorByTurn(() => LEAVE) }]);
    expect(e.turns[0].observation).toBe('Turn #1: Ines Okafor said: "Hello"');
    expect(e.turns[0].info?.actorAttempts).toBe(2);
    expect(repaired.calls[1].messages.slice(-2).map((m) => m.role)).toEqual(['assistant', 'user']); // the repair turn
    const broken = scriptedModel(['no json here'], { cycle: true });
    const f = await run([{ actor: broken }, { actor: actorByTurn(() => say('hm')) }]);
    expect(f.turns[0].actor?.parseError).toMatch(/MODEL_OUTPUT/);
    expect(f.turns[0].info?.actionType).toBe('none');
    expect(broken.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('restricts action types when asked (none/speak/leave as the reference EPO ran)', async () => {
    const rules = { ...DEFAULT_RULES, actionTypes: EPO_ACTION_TYPES };
    const m = scriptedModel(['{"action_type": "action", "argument": "waves"}', say('hello'), LEAVE], { cycle: true });
    const e = await run([{ actor: m }, { actor: actorByTurn(() => LEAVE) }], { rules });
    expect(m.calls[1].messages.at(-1)!.content).toContain('action_type must be one of: none, speak, leave');
    expect(e.turns[0].info?.actionType).toBe('speak');
    expect(m.calls[0].messages[1].content).not.toContain('non-verbal');
  });
});

describe('strategist', () => {
  it('parses one strategy line', () => {
    expect(parseStrategy('Strategy: Ask about the tax increase.')).toBe('Ask about the tax increase.');
    expect(parseStrategy('Let me think.\n**Strategy:** "Offer a two-year lease"')).toBe('Offer a two-year lease');
    expect(parseStrategy('Build rapport first')).toBe('Build rapport first');
  });

  it('one strategy per own turn, aligned with turns after none, its chat extending exactly (strategistChat contract)', async () => {
    // Ines does nothing at turn 3 (her second turn); Tomas does nothing at turn 4; Ines leaves at turn 7.
    const ines = actorByTurn((t) => (t === 3 ? NONE : t === 7 ? LEAVE : say(`ines ${t}`)));
    const tomas = actorByTurn((t) => (t === 4 ? NONE : say(`tomas ${t}`)));
    const strat = (seat: number) => scriptedModel((req) => `Strategy: s${seat} for ${/Turn #(\d+) is/.exec(req.messages.at(-1)!.content)![1]}`);
    const s0 = strat(0), s1 = strat(1);
    const e = await run([{ actor: ines, strategist: s0 }, { actor: tomas, strategist: s1 }]);
    expect(e.turns.length).toBe(7);
    expect(e.turns.filter((t) => t.seat === 0).map((t) => t.info?.strategy)).toEqual(['s0 for 1', 's0 for 3', 's0 for 5', 's0 for 7']);
    expect(e.turns.filter((t) => t.seat === 1).map((t) => t.info?.strategy)).toEqual(['s1 for 2', 's1 for 4', 's1 for 6']);
    // The actor got the strategy of its own turn.
    expect(ines.calls[1].messages[1].content).toContain('proposes this strategy for your turn: "s0 for 3"');

    const chat0 = strategistChat(e, 0);
    expect(chat0.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(chat0.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['Strategy: s0 for 1', 'Strategy: s0 for 3', 'Strategy: s0 for 5', 'Strategy: s0 for 7']);
    // After her none, the next user message reports it, so strategy k stays with turn k.
    expect(chat0[5].content).toBe('Turn #3: Ines Okafor did nothing\nTurn #4: Tomas Lindqvist did nothing\n\nTurn #5 is Ines Okafor\'s. Strategy for this turn:');
    expect(chat0[3].content).toBe('Turn #1: Ines Okafor said: "ines 1"\nTurn #2: Tomas Lindqvist said: "tomas 2"\n\nTurn #3 is Ines Okafor\'s. Strategy for this turn:');
    expect(chat0[0].content).toMatch(/^You advise Ines Okafor in a social interaction with Tomas Lindqvist/);
    expect(chat0[1].content).toContain("Tomas Lindqvist's goal: Unknown");
    // Every strategist input extends the previous one by exactly [assistant: previous output, user].
    const calls = e.turns.filter((t) => t.seat === 1).map((t) => t.strategist!);
    for (let k = 1; k < calls.length; k++) {
      expect(calls[k].input.slice(0, calls[k - 1].input.length)).toEqual(calls[k - 1].input);
      expect(calls[k].input.slice(calls[k - 1].input.length)).toEqual([{ role: 'assistant', content: calls[k - 1].output }, calls[k].input.at(-1)]);
    }
    // Seat 1's first input already shows Ines's opening line; the partner's strategies never appear.
    expect(calls[0].input[1].content).toContain('Turn #1: Ines Okafor said: "ines 1"');
    expect(JSON.stringify(strategistChat(e, 1))).not.toContain('s0 for');
    expect(s0.calls[0].temperature).toBe(0.7);
    expect(sotopiaStrategistSamples(e).map((x) => [x.seat, x.chat.length, x.reward])).toEqual([[0, 9, undefined], [1, 7, undefined]]);
  });
});

describe('evaluation inside the episode', () => {
  it('scores both seats at temperature 0 with the schema sent; reward = goal/10 of the tested seat', async () => {
    const judge = scriptedModel((req) => (roleOf(req) === 'evaluator' ? scriptedJudgeReply(9) : 'x'));
    const e = await run([{ actor: actorByTurn((t) => (t === 3 ? LEAVE : say('hi'))) }, { actor: actorByTurn(() => NONE) }], { judge });
    expect(judge.calls[0].temperature).toBe(0);
    expect(judge.calls[0].jsonSchema?.name).toBe('sotopia_evaluation');
    const judged = judge.calls[0].messages[1].content;
    expect(judged).toContain('Turn #1: Ines Okafor said: "hi"\nTurn #3: Ines Okafor left the conversation');
    expect(judged).not.toContain('did nothing');
    expect(judged).toContain('Secret: She is quietly planning'); // the judge sees everything
    const ev = e.evaluation as unknown as SotopiaEvaluation;
    expect(ev.ok).toBe(true);
    expect(ev.seats![0].scores.goal).toBe(9);
    expect(ev.seats![1].reasoning.secret).toBe('scripted secret');
    expect(ev.input).toEqual(judge.calls[0].messages);
    expect(ev.seats![0].scores.overall).toBeCloseTo((8 + 2 + 4 + 0 + 0 + 1 + 9) / 7, 12);
    expect(e.outcome).toMatchObject({ reward: 0.9, evaluated: true, seatRewards: [0.9, 0.9], reason: 'left' });
    expect(sotopiaStrategistSamples(e)).toEqual([]); // no strategists in this episode
  });
});

describe('chat templates without a system role', () => {
  it('instructions open the first user message; the strategist chat still extends exactly', async () => {
    const actor = actorByTurn((t) => (t === 5 ? LEAVE : say('hi')));
    const strat = scriptedModel(['Strategy: a', 'Strategy: b', 'Strategy: c']);
    const e = await runSotopiaEpisode({
      id: 'n#0', taskId: 'n', trial: 0, seed: 1, run: 'r', combo, scenario, characters: chars,
      seats: [{ actor, strategist: strat }, { actor: actorByTurn(() => say('yo')) }], testSeats: [0], models: {}, codeVersion: 't',
      sampling: { systemRole: false },
    });
    const chat = strategistChat(e, 0);
    expect(chat.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(chat[0].content).toMatch(/^You advise Ines Okafor[\s\S]*\n\nScenario: /);
    expect(actor.calls[0].messages.map((m) => m.role)).toEqual(['user']);
    expect(actor.calls[0].messages[0].content).toMatch(/^You are Ines Okafor in a role-play[\s\S]*Scenario: /);
  });
});
