import { describe, expect, it } from 'vitest';
import { strategistChat, type Episode } from '../src/core/episode.js';
import { EpoError } from '../src/core/errors.js';
import type { CompletionRequest } from '../src/llm/model.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { alfworldThought, playExample } from '../src/agents/icl.js';
import { runEpisode, parseFailures, type EpisodeSetup } from '../src/rollout/episode.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import { FakeEnv, fakeTask, type FakeTask } from './helpers/fake-env.js';

const task = fakeTask(7);
const lastUser = (r: CompletionRequest) => r.messages[r.messages.length - 1].content;

/** A strategist that names the next walkthrough step, counting the actions reported back to it. */
const strategist = () => scriptedModel((req) => {
  const done = req.messages.filter((m) => m.role === 'user' && m.content.startsWith("Actor's action:")).length;
  return `Thought: next do ${task.walkthrough[done]}`;
}, { spec: 'scripted:strategist' });
/** An actor that does what the thought says. */
const actor = () => scriptedModel((req) => `Action: ${/Thought: next do (.*)/.exec(lastUser(req))![1]}`, { spec: 'scripted:actor' });

const setup = (over: Partial<EpisodeSetup<FakeTask>> = {}): EpisodeSetup<FakeTask> => ({
  run: 'r', mode: 'epo', prompts: alfworldPrompts, maxSteps: 10, outcome: alfworldOutcome, codeVersion: 'test',
  strategist: { model: strategist(), ref: { spec: 'scripted:strategist', temperature: 0.7 } },
  actor: { model: actor(), ref: { spec: 'scripted:actor', temperature: 0 } },
  ...over,
});

describe('episode loop (epo mode)', () => {
  it('solves the task, records every call and stops without an extra strategist call', async () => {
    const s = setup();
    const e = await runEpisode(s, { task, env: new FakeEnv(), trial: 0, seed: 42 });
    expect(e.id).toBe('pick_and_place_simple-7#0');
    expect(e.outcome).toEqual({ reward: 1, success: true, reason: 'done', mode: 'epo' });
    expect(e.turns.map((t) => t.action)).toEqual(task.walkthrough);
    expect((s.strategist!.model as ReturnType<typeof strategist>).calls).toHaveLength(3);
    expect(e.models).toEqual({ actor: { spec: 'scripted:actor', temperature: 0 }, strategist: { spec: 'scripted:strategist', temperature: 0.7 } });
    expect(e.turns[0].strategist!.input.map((m) => m.role)).toEqual(['system', 'user']);
    expect(e.turns[0].strategist!.input[1].content).toBe('Task:\nYou are in a room with shelf 7 and box 1.\nYour task is to: put key in box.');
    expect(e.turns[1].strategist!.input[3].content).toBe("Actor's action: go to shelf 7\nObservation: You did: go to shelf 7.");
    expect(e.turns[1].actor!.input[3].content).toBe('Observation: You did: go to shelf 7.\nThought: next do take key 7 from shelf 7');
    expect(e.turns[2].strategist!.usage!.promptTokens).toBeGreaterThan(0);
  });

  it('keeps the strategist chat contract: each input extends the previous by [assistant, user]', async () => {
    const e = await runEpisode(setup(), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    const chat = strategistChat(e);
    expect(chat.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(e.turns.map((t) => t.strategist!.output));
    for (let k = 1; k < e.turns.length; k++) {
      const prev = e.turns[k - 1].strategist!, cur = e.turns[k].strategist!;
      expect(cur.input.slice(0, prev.input.length)).toEqual(prev.input);
      expect(cur.input.slice(prev.input.length).map((m) => m.role)).toEqual(['assistant', 'user']);
      expect(cur.input[prev.input.length].content).toBe(prev.output);
    }
  });

  it('puts the one-shot example in the system message, never as assistant turns', async () => {
    const ex = await playExample(new FakeEnv(), fakeTask(2), fakeTask(2).walkthrough, alfworldThought);
    const e = await runEpisode(setup({ example: () => ex }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    const first = e.turns[0].strategist!.input;
    expect(first).toHaveLength(2);
    expect(first[0].content).toContain("Actor's action: take key 2 from shelf 2");
    expect(e.turns[0].actor!.input[0].content).toContain('Action: take key 2 from shelf 2');
  });

  it('turns garbage into counted invalid actions and ends at the step limit', async () => {
    const env = new FakeEnv();
    const e = await runEpisode(setup({
      maxSteps: 4,
      strategist: { model: scriptedModel(['', 'blah', '???', ''], { spec: 'g' }), ref: { spec: 'g' } },
      actor: { model: scriptedModel(['I refuse.', 'Action: dance', 'go to shelf 9', ''], { spec: 'g' }), ref: { spec: 'g' } },
    }), { task, env, trial: 0, seed: 1 });
    expect(e.outcome).toMatchObject({ reward: 0, success: false, reason: 'max_steps' });
    expect(e.turns).toHaveLength(4);
    expect(parseFailures(e)).toEqual({ thought: 2, action: 3 });
    expect(env.steps).toEqual(['go to shelf 9']); // unparseable answers never reach the environment
    expect(e.turns[0].observation).toBe(alfworldPrompts.invalidAnswer);
    expect(e.turns[2].observation).toBe('Nothing happens.');
    expect(e.turns[1].strategist!.input[3].content).toBe(`Actor's action: (no valid action)\nObservation: ${alfworldPrompts.invalidAnswer}`);
    expect(() => strategistChat(e)).not.toThrow();
  });

  it('throws the abort reason when the episode signal aborts: a cut-short episode is not a finished one', async () => {
    const ctrl = new AbortController();
    let n = 0;
    const slowActor = scriptedModel((req) => {
      if (++n === 2) ctrl.abort(new EpoError('MODEL_TIMEOUT', 'episode timed out after 5 ms'));
      return `Action: ${/Thought: next do (.*)/.exec(lastUser(req))![1]}`;
    }, { delayMs: 1 });
    await expect(runEpisode(setup({ actor: { model: slowActor, ref: { spec: 'a' } } }), { task, env: new FakeEnv(), trial: 0, seed: 1, signal: ctrl.signal }))
      .rejects.toMatchObject({ code: 'MODEL_TIMEOUT', message: 'episode timed out after 5 ms' });
  });

  it('records a call whose answer was cut at the response cap', async () => {
    const a = actor();
    let n = 0;
    const capped = { spec: 'capped', complete: async (req: CompletionRequest) => ({ ...(await a.complete(req)), ...(n++ === 1 ? { truncated: true, finishReason: 'length' } : {}) }) };
    const e = await runEpisode(setup({ actor: { model: capped, ref: { spec: 'capped' } } }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    expect(e.turns.map((t) => t.actor!.truncated)).toEqual([undefined, true, undefined]);
    expect(e.turns.every((t) => t.strategist!.truncated === undefined)).toBe(true);
  });

  it('propagates a model failure so the scheduler can retry the episode later', async () => {
    await expect(runEpisode(setup({ actor: { model: scriptedModel([]), ref: { spec: 'a' } } }), { task, env: new FakeEnv(), trial: 0, seed: 1 }))
      .rejects.toThrow(/scripted model has only 0 answers/);
  });

  it('can put instructions at the top of the first user message (no system role), keeping the contract', async () => {
    const e = await runEpisode(setup({ systemRole: false }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    const first = e.turns[0].strategist!.input;
    expect(first.map((m) => m.role)).toEqual(['user']);
    expect(first[0].content.startsWith(alfworldPrompts.strategist)).toBe(true);
    expect(first[0].content.endsWith('Task:\nYou are in a room with shelf 7 and box 1.\nYour task is to: put key in box.')).toBe(true);
    expect(strategistChat(e).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });

  it('shows admissible actions to the actor only when asked', async () => {
    const e = await runEpisode(setup({ showAdmissible: true }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    expect(e.turns[0].actor!.input[1].content).toContain('\nAvailable actions: go to shelf 7, look');
    expect(e.turns[0].strategist!.input[1].content).not.toContain('Available actions');
  });
});

describe('other modes', () => {
  it('actor-only: one call per step that carries thought and action', async () => {
    const solo = scriptedModel((req) => {
      const k = req.messages.filter((m) => m.role === 'assistant').length;
      return `Thought: step ${k}\nAction: ${task.walkthrough[k]}`;
    });
    const e: Episode = await runEpisode(setup({ mode: 'actor-only', strategist: undefined, actor: { model: solo, ref: { spec: 'solo' } } }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    expect(e.outcome.success).toBe(true);
    expect(e.turns.every((t) => t.strategist === undefined)).toBe(true);
    expect(e.turns.map((t) => t.info!.thought)).toEqual(['step 0', 'step 1', 'step 2']);
    expect(e.models).toEqual({ actor: { spec: 'solo' } });
    expect(solo.calls[1].messages[3].content).toBe('Observation: You did: go to shelf 7.');
  });

  it('single: one model plays both roles with their own prompts', async () => {
    const both = scriptedModel((req) => {
      if (req.messages[0].content.startsWith('You guide')) return strategist().complete(req).then((r) => r.text);
      return actor().complete(req).then((r) => r.text);
    }, { spec: 'both' });
    const e = await runEpisode(setup({ mode: 'single', strategist: { model: both, ref: { spec: 'both' } } }), { task, env: new FakeEnv(), trial: 0, seed: 1 });
    expect(e.outcome.success).toBe(true);
    expect(both.calls).toHaveLength(6);
    expect(e.models).toEqual({ actor: { spec: 'both' }, strategist: { spec: 'both' } });
  });

  it('derives a distinct, reproducible seed per call', async () => {
    const s = setup();
    await runEpisode(s, { task, env: new FakeEnv(), trial: 0, seed: 5 });
    const seeds = (s.strategist!.model as ReturnType<typeof strategist>).calls.map((c) => c.seed);
    const s2 = setup();
    await runEpisode(s2, { task, env: new FakeEnv(), trial: 0, seed: 5 });
    expect((s2.strategist!.model as ReturnType<typeof strategist>).calls.map((c) => c.seed)).toEqual(seeds);
    expect(new Set(seeds).size).toBe(3);
  });
});
