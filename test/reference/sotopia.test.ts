/**
 * SOTOPIA under the reference protocol. The expected requests are built here from the release's Python files
 * (through the extracts, run on the installed .py files) and the fork's layout rules stated in this file: dedent the
 * template (`format_docstring`), fill its fields, the agent's inbox (`\n<context>\nConversation Starts:\n`, then
 * `Turn #k: <action>\n` per action, joined by line breaks, the last break dropped by `splitlines`), the woven
 * strategies, and `reshape_prompt`'s cut of the strategist prompt. The rules are checked on worked examples.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionFormatInstructions, evaluationFormatInstructions } from '../../src/agents/sotopia/reference.js';
import { BUILTIN_CHARACTERS, BUILTIN_COMBOS, BUILTIN_SCENARIOS } from '../../src/envs/sotopia/builtin.js';
import { DEFAULT_RULES, endReason, REFERENCE_RULES, type AgentAction } from '../../src/envs/sotopia/episode-rules.js';
import { SotopiaEnv, sotopiaEnvTask } from '../../src/envs/sotopia/env.js';
import type { Character, Scenario } from '../../src/envs/sotopia/profiles.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { extractSotopiaEvaluator, extractSotopiaProfiles, extractSotopiaPrompts, EVALUATORS_PY, GENERATE_PY, PARALLEL_PY } from '../../src/reference/sotopia-extracts.js';
import { runSotopiaEpisode } from '../../src/rollout/sotopia.js';
import { referenceSotopia, type ReferenceTemplates } from '../../src/rollout/sotopia-protocol.js';
import { isEpoError } from '../../src/core/errors.js';
import { episodeConditions, misfit, sameConditions, type RunConditions } from '../../src/store/run-protocol.js';
import { findData } from '../helpers/data.js';

// the release's files as installed (or the development copy); absent: every test here is skipped with a printed reason
const RELEASE = findData('epo-reference', 'Sotopia/sotopia/generation_utils/generate.py') && findData('epo-reference', 'LLaMA-Factory/data/utils/prm.py') && findData('epo-reference');
const source = (rel: string) => readFileSync(join(RELEASE!, rel), 'utf8');
const T: ReferenceTemplates = RELEASE ? {
  prompts: extractSotopiaPrompts(source(GENERATE_PY)),
  profiles: extractSotopiaProfiles(source(PARALLEL_PY)),
  evaluator: extractSotopiaEvaluator(source(EVALUATORS_PY)),
} : (undefined as never);

// ---- the fork's layout rules, stated independently of the implementation ----
const dedent = (s: string) => s.replace(/\n +/g, '\n').trim();
const fill = (template: string, values: Record<string, string>) =>
  Object.entries(values).reduce((s, [k, v]) => s.split(`{${k}}`).join(v), dedent(template));
const name = (c: Character) => `${c.firstName} ${c.lastName}`;
const GENDER: Record<string, string> = { Man: 'male', Woman: 'female', Nonbinary: 'nonbinary' };
const groupOf = (r: Scenario['relationship']) =>
  (r === 'stranger' ? 'stranger' : r === 'know_by_name' ? 'know_by_name' : r === 'acquaintance' ? 'acquaintance' : 'friend_or_closer') as keyof typeof T.profiles;

/** A profile as seen by `viewer`: the f-string filled, other agents' marked parts dropped, tags removed. */
function bio(c: Character, seat: number, rel: Scenario['relationship'], viewer: number | 'environment'): string {
  const filled = T.profiles[groupOf(rel)]
    .split('{profile.first_name}').join(c.firstName).split('{profile.last_name}').join(c.lastName).split('{profile.age}').join(String(c.age))
    .split('{_map_gender_to_adj(profile.gender)}').join(GENDER[c.gender]).split('{profile.occupation.lower()}').join(c.occupation.toLowerCase())
    .split('{profile.gender_pronoun}').join(c.pronouns).split('{profile.public_info}').join(c.publicInfo)
    .split('{profile.personality_and_values}').join(c.personality).split('{profile.secret}').join(c.secret).split('{agent_id}').join(String(seat));
  const visible = viewer === 'environment' || viewer === seat ? filled : filled.replace(/<p viewer='agent_\d'>.*?<\/p>/g, '');
  return visible.replace(/<[^>]+>/g, '');
}
const goal = (g: string) => g.replace(/<\/?(extra_info|clarification_hint|strategy_hint)>/g, '');

function context(sc: Scenario, chars: [Character, Character], viewer: 0 | 1 | 'environment'): string {
  const [a, b] = chars;
  const goals = [0, 1].map((s) => (viewer === 'environment' || viewer === s ? goal(sc.goals[s]) : 'Unknown'));
  return dedent([
    'Here is the context of this interaction:', `Scenario: ${sc.scenario}`, `Participants: ${name(a)} and ${name(b)}`,
    `${name(a)}'s background: ${bio(a, 0, sc.relationship, viewer) || 'Unknown'}`, `${name(b)}'s background: ${bio(b, 1, sc.relationship, viewer) || 'Unknown'}`,
    `${name(a)}'s goal: ${goals[0]}`, `${name(b)}'s goal: ${goals[1]}`,
  ].join('\n'));
}

const task = (comboId: string) => {
  const combo = BUILTIN_COMBOS.find((c) => c.id === comboId)!;
  const scenario = BUILTIN_SCENARIOS.find((s) => s.id === combo.scenarioId)!;
  const characters = combo.characterIds.map((id) => BUILTIN_CHARACTERS.find((c) => c.id === id)!) as [Character, Character];
  return { combo, scenario, characters };
};

const say = (argument: string) => JSON.stringify({ action_type: 'speak', argument });

async function play(comboId: string, actor: (turn: number) => string, maxCalls = 50) {
  const { combo, scenario, characters } = task(comboId);
  const strategist = scriptedModel((_req, i) => `Strategy: move ${i}\nbecause it helps`);
  const actorModel = scriptedModel((_req, i) => (i < maxCalls ? actor(i) : say('bye')));
  const judge = scriptedModel(() => JSON.stringify({ agent_1_evaluation: {}, agent_2_evaluation: {} }));
  const e = await runSotopiaEpisode({
    id: 'e1', taskId: combo.id, trial: 0, seed: 1, run: 'r', combo, scenario, characters, testSeats: [0, 1], models: {},
    seats: [{ actor: actorModel, strategist }, { actor: actorModel, strategist }], evaluator: judge,
    protocol: referenceSotopia(T), codeVersion: 'test', sampling: { maxRepairs: 0 },
  });
  return { e, strategist, actorModel, judge, scenario, characters };
}

describe.skipIf(!RELEASE)('extracts of the SOTOPIA templates from the installed .py files', () => {
  it('reads the actor and strategist templates and reshape_prompt\'s two constraint blocks from generate.py', () => {
    const p = T.prompts;
    for (const f of ['{agent}', '{turn_number}', '{history}', '{strategy}', '{action_list}', '{format_instructions}']) expect(p.action).toContain(f);
    expect(p.action).not.toContain('playwright'); // the agent branch, not the script-like one
    expect(p.strategy).toContain('{history}');
    expect(p.strategy).toContain('Agent2');
    expect(p.reshapeFirst).toContain('Agent1');
    expect(p.reshapeSecond).not.toContain('Agent1');
    expect(p.reshapeFirst.startsWith('\nYour output should STRICTLY')).toBe(true);
  });
  it('reads the four profile templates of parallel.py: personality_and_values is the only personality field', () => {
    for (const t of Object.values(T.profiles)) {
      expect(t).toContain('{profile.personality_and_values}');
      expect(t).not.toMatch(/big_five|moral_values|schwartz|mbti|decision_making/);
    }
    expect(T.profiles.stranger.startsWith("<root><p viewer='agent_{agent_id}'>")).toBe(true);
  });
  it('reads the evaluator template and the seven rubric texts of SotopiaDimensions (joined literals), not the Plus variant', () => {
    expect(T.evaluator.dimensions.map((d) => d.name)).toEqual(['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal']);
    const rel = T.evaluator.dimensions[1].description;
    expect(rel).toContain("before the interaction. And then analyze how"); // two Python literals joined
    expect(rel).not.toContain('Relationship Deteriorates'); // SotopiaDimensionsPlus's text
    expect(T.evaluator.template.startsWith('{history},')).toBe(true);
  });
  it('fails with an EpoError naming the file when the source is not the pinned one', () => {
    let err: unknown;
    try { extractSotopiaPrompts(source(GENERATE_PY).replace('# Normal case, model as agent', '# changed')); } catch (e) { err = e; }
    expect(isEpoError(err, 'BAD_DATA') && err.where).toBe(GENERATE_PY);
  });
});

describe.skipIf(!RELEASE)('the reference rules', () => {
  const speak: AgentAction = { type: 'speak', argument: 'hi' };
  const none: AgentAction = { type: 'none', argument: '' };
  it("one none by seat 1 ends the episode: with the idle seat's forced none there are three in a row", () => {
    expect(endReason([speak, none], REFERENCE_RULES)).toBe('stale');
    expect(endReason([speak, none], DEFAULT_RULES)).toBeUndefined();
  });
  it('a none by seat 0 does not: seat 1 spoke before it (or nothing came before)', () => {
    expect(endReason([none], REFERENCE_RULES)).toBeUndefined();
    expect(endReason([speak, speak, none], REFERENCE_RULES)).toBeUndefined();
    expect(endReason([none, speak, none, speak, none], REFERENCE_RULES)).toBeUndefined();
    expect(endReason([none, speak, none, none], REFERENCE_RULES)).toBe('stale');
  });
  it('ends after turn 20 is exceeded: 21 actions, seat 0 acting 11 times', () => {
    const twenty = Array.from({ length: 20 }, () => speak);
    expect(endReason(twenty, REFERENCE_RULES)).toBeUndefined();
    expect(endReason([...twenty, speak], REFERENCE_RULES)).toBe('max_turns');
    expect(endReason(twenty, DEFAULT_RULES)).toBe('max_turns');
  });
  it('allows only none, speak and leave: another action type counts as none (and so ends the episode at seat 1)', () => {
    const env = new SotopiaEnv(REFERENCE_RULES);
    const { combo, scenario, characters } = task('epo-task-rent-1');
    env.reset(sotopiaEnvTask({ combo, scenario, characters }));
    expect(env.actionTypes()).toEqual(['none', 'speak', 'leave']);
    expect(env.step(0, { type: 'speak', argument: 'hello' }).done).toBe(false);
    const r = env.step(1, { type: 'action', argument: 'waves' });
    expect(r.info).toEqual({ turn: 2, action: none });
    expect(r.done && r.reason).toBe('stale');
  });
  it('an episode runs to 21 actions, and one ends at the first none of seat 1', async () => {
    const long = await play('epo-task-rent-1', (i) => say(`line ${i}`));
    expect(long.e.turns.length).toBe(21);
    expect(long.e.outcome.reason).toBe('max_turns');
    const short = await play('epo-task-rent-1', (i) => (i === 1 ? '{"action_type": "none", "argument": ""}' : say(`line ${i}`)));
    expect(short.e.turns.length).toBe(2);
    expect(short.e.outcome.reason).toBe('stale');
  });
});

describe.skipIf(!RELEASE)('the first requests of a reference episode, message by message', () => {
  it('strategist and actor of seat 0 at turn 0, seat 1 at turn 1, seat 0 at turn 2 (strategy woven in), and the evaluator', async () => {
    const { e, strategist, actorModel, judge, scenario, characters } = await play('epo-task-rent-1', (i) => say(`utterance ${i}`), 3);
    const [A, B] = characters.map(name);
    const ctx0 = context(scenario, characters, 0), ctx1 = context(scenario, characters, 1);
    const s0 = 'Strategy: move 0\nbecause it helps', s1 = 'Strategy: move 1\nbecause it helps';
    const strategyPrompt = (agent: string, history: string) => fill(T.prompts.strategy, { agent, history });
    const head = (prompt: string) => prompt.split('Conversation Starts:')[0];

    // seat 0, turn 0: one user message, the prompt up to "Conversation Starts:" and the first speaker's block
    const h0 = `\n${ctx0}\nConversation Starts:`;
    const p0 = strategyPrompt(A, h0).split('Agent2').join(B);
    const u0 = (head(p0) + T.prompts.reshapeFirst).split('Agent1').join(A);
    expect(strategist.calls[0].messages).toEqual([{ role: 'user', content: u0 }]);
    expect(strategist.calls[0].temperature).toBe(0.7);
    // the actor: one user message; the raw strategy output is passed on
    expect(actorModel.calls[0].messages).toEqual([{ role: 'user', content: fill(T.prompts.action, {
      agent: A, turn_number: '0', history: h0, strategy: s0, action_list: 'none speak leave', format_instructions: actionFormatInstructions(['none', 'speak', 'leave']),
    }) }]);

    // seat 1, turn 1: the background, the second speaker's block and the partner's first words (opening quote lost,
    // the closing quote and the template's "." kept)
    const h1 = `\n${ctx1}\nConversation Starts:\n\nTurn #0: ${A} said: "utterance 0"`;
    const p1 = strategyPrompt(B, h1).split('Agent2').join(A);
    expect(strategist.calls[1].messages).toEqual([{ role: 'user', content: `${head(p1)}${T.prompts.reshapeSecond}${A} said: utterance 0".` }]);
    expect(actorModel.calls[1].messages[0].content).toBe(fill(T.prompts.action, {
      agent: B, turn_number: '1', history: h1, strategy: s1, action_list: 'none speak leave', format_instructions: actionFormatInstructions(['none', 'speak', 'leave']),
    }));

    // seat 0, turn 2: its own first strategy woven in before its words; the chat gets the strategy's first line back
    const h2 = `\n${ctx0}\nConversation Starts:\n\nTurn #0: ${A} strategy: ${s0}\n${A} said: "utterance 0"\n\nTurn #1: ${B} said: "utterance 1"`;
    expect(strategist.calls[2].messages).toEqual([
      { role: 'user', content: u0 },
      { role: 'assistant', content: 'Strategy: move 0' },
      { role: 'user', content: `${A} said: utterance 0"\n${B} said: utterance 1".` },
    ]);
    expect(actorModel.calls[2].messages[0].content).toContain(`The dialogue history until now is: ${h2}.`);

    // the evaluator: the environment's context, 1-based turn markers, no `none`
    const last = e.turns.length;
    const lines = [context(scenario, characters, 'environment')];
    e.turns.forEach((t, k) => lines.push(`Turn #${k + 1}`, `${[A, B][t.seat!]} said: "${JSON.parse(t.action).argument}"`));
    expect(last).toBe(21);
    expect(judge.calls[0].messages).toEqual([{ role: 'user', content: fill(T.evaluator.template, { history: lines.join('\n'), format_instructions: evaluationFormatInstructions(T.evaluator) }) }]);
    expect(judge.calls[0].temperature).toBe(0);
    // asked in words only, as the reference asks: no JSON schema (response_format) on any request
    expect([...actorModel.calls, ...judge.calls, ...strategist.calls].every((c) => c.jsonSchema === undefined)).toBe(true);
    for (const d of T.evaluator.dimensions) expect(judge.calls[0].messages[0].content).toContain(JSON.stringify(d.description));
  });

  it("after seat 0's none, its strategies shift as the reference's do: 'None' and a none read as leaving", async () => {
    const none = '{"action_type": "none", "argument": ""}';
    const { strategist, characters } = await play('epo-task-rent-1', (i) => (i === 2 ? none : say(`utterance ${i}`)), 5);
    const [A, B] = characters.map(name);
    const chat = strategist.calls[4].messages;
    expect(chat.slice(1)).toEqual([
      { role: 'assistant', content: 'Strategy: move 0' },
      { role: 'user', content: `${A} said: utterance 0"\n${B} said: utterance 1"` },
      { role: 'assistant', content: 'None' },
      { role: 'user', content: `${A} left the conversation\n${B} said: utterance 3".` },
    ]);
    // the strategy of turn 2 (call 2) is woven before seat 0's next words, not at turn 2
    expect(strategist.calls[6].messages[5]).toEqual({ role: 'assistant', content: 'Strategy: move 2' });
  });

  it('profiles follow the relationship: strangers see Unknown, people who know each other by name see the name only', async () => {
    const { strategist, scenario, characters } = await play('epo-task-bike-1', (i) => say(`u${i}`), 1);
    expect(scenario.relationship).toBe('stranger');
    const [A, B] = characters.map(name);
    const first = strategist.calls[0].messages[0].content;
    expect(first).toContain(`${B}'s background: Unknown\n`);
    expect(first).toContain(`${A}'s background: ${bio(characters[0], 0, 'stranger', 0)}`);
    expect(first).toContain(`Personality and values description: ${characters[0].personality}`);
    expect(first).not.toContain(characters[0].bigFive);
    const noise = await play('epo-task-noise-1', (i) => say(`u${i}`), 1);
    const [, D] = noise.characters.map(name);
    expect(noise.strategist.calls[0].messages[0].content).toContain(`${D}'s background: ${D} \n`);
  });
});

describe.skipIf(!RELEASE)('the protocol in the run fingerprint', () => {
  it('a reference episode does not fit an epo run, nor an epo episode a reference run', async () => {
    const { e } = await play('epo-task-rent-1', (i) => say(`u${i}`), 1);
    const run = (protocol?: string): RunConditions => ({ from: 'sotopia', env: 'sotopia', models: {}, protocol: protocol ?? 'epo' });
    expect(episodeConditions(e).protocol).toBe('reference');
    expect(misfit(run(), e)).toBe('protocol reference, not epo');
    expect(misfit(run('reference'), e)).toBeUndefined();
    const epoEpisode = { ...e, task: { ...e.task, protocol: undefined } };
    expect(misfit(run('reference'), epoEpisode)).toBe('protocol epo, not reference');
    expect(sameConditions(episodeConditions(e), episodeConditions(epoEpisode))).toBe(false);
  });
});
