/**
 * `--protocol reference` for ALFWorld and WebShop: the requests of a reference-protocol episode, sent over HTTP by
 * `epo eval`, equal message by message what the release's layout makes of its installed files for the same task
 * (the expected chats are built here from the installed files and the layout rules of templates.py / main.py /
 * envs/*_env.py); the action parser keeps trailing text; step limits 40 / 10; temperature 0 is sent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import type { ChatMessage } from '../../src/core/messages.js';
import type { CompletionRequest } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { parseReferenceAction } from '../../src/reference/alfshop-layout.js';
import { startServer } from '../../src/serve/openai-server.js';
import { RunStore } from '../../src/store/run-store.js';
import { findData } from '../helpers/data.js';
import { runCli } from '../helpers/eval-cli.js';

describe('the reference action parser keeps what follows "Action:" (alfworld_env.py:33-38, webshop_env.py:32-37)', () => {
  it.each([
    ['alfworld', 'Action: go to desk 1\nThought: then take the mug', 'go to desk 1\nThought: then take the mug'],
    ['alfworld', '  Thought: the mug is on the desk.\nAction:go to desk 1  ', 'go to desk 1'],
    ['alfworld', 'Action:  go to desk 1', ' go to desk 1'], // one whitespace after the colon is optional, not more
    ['alfworld', 'Action: open drawer 1. Action: close drawer 1', 'open drawer 1. Action: close drawer 1'],
    ['webshop', 'Action: click[buy now] and done', 'click[buy now] and done'],
    ['webshop', 'Thought: search it.\nAction: search[red mug]\n', 'search[red mug]'],
  ] as const)('%s: %j → %j', (env, output, action) => {
    expect(parseReferenceAction(env, output)).toMatchObject({ value: action });
    expect(parseReferenceAction(env, output).error).toBeUndefined();
  });

  it.each([
    ['webshop', 'Action:click[buy now]'], // WebShop needs the space after the colon
    ['alfworld', 'go to desk 1'],
    ['alfworld', '   '],
  ] as const)('%s: %j has no action', (env, output) => {
    expect(parseReferenceAction(env, output).error).toBeTruthy();
  });
});

describe('epo eval --protocol reference refuses what would change the release protocol', () => {
  it.each([
    [['--temperature', '0.7'], /drop --temperature or use --protocol epo/],
    [['--actor-temperature', '0'], /drop --actor-temperature/],
    [['--top-p', '0.9'], /drop --top-p/],
    [['--max-tokens', '100'], /greedy, 512 new tokens\); drop --max-tokens/],
    [['--mode', 'actor-only'], /no actor-only baseline/],
  ])('%j', async (flags, message) => {
    const run = runCli(['eval', 'alfworld', '--protocol', 'reference', '--strategist', 'scripted:echo', '--actor', 'scripted:echo', '--quiet', ...flags]);
    await expect(run).rejects.toThrow(message);
  });
});

const refDir = findData('epo-reference', 'Alfshop/eval_agent/prompt/templates.py') && findData('epo-reference');

/** The installed release files, read as the reference reads them (relative to `EPO/`). */
const release = (rel: string) => readFileSync(join(refDir!, rel), 'utf8');

/** `prompt_with_icl(instruction, icl, task, 1)` (templates.py:18-72), written out from its rules. */
function opening(instructionPath: string, iclPath: string, task: string): ChatMessage[] {
  const example = (JSON.parse(release(`Alfshop/${iclPath}`)) as { content: string }[][])[0];
  const out: ChatMessage[] = [{ role: 'user', content: release(`Alfshop/${instructionPath}`) }, { role: 'assistant', content: 'OK' }];
  for (let j = 0; j < example.length; j++) out.push({ role: j % 2 === 0 ? 'user' : 'assistant', content: example[j].content });
  out.push({ role: 'user', content: task });
  return out;
}

const envConfig = (env: string) => JSON.parse(release(`Alfshop/eval_agent/configs/task/${env}.json`)).env_config as Record<string, string | number>;
const strip = (r: CompletionRequest) => r.messages.map((m) => ({ role: m.role, content: m.content }));

interface Case {
  env: 'alfworld' | 'webshop';
  dataset: string;
  select: string[];
  /** The reference's observation text (envs/<env>_env.py). */
  obs(o: string): string;
  first: RegExp;
  /** The actor's first two answers, given the first observation. */
  actions(first: string): [string, string];
}

/** The release's `process_ob` (alfworld_env.py:15-18): the older ALFWorld's "You arrive at loc N. " is not shown. */
const processOb = (o: string) => (o.startsWith('You arrive at loc ') ? o.slice(o.indexOf('. ') + 2) : o);

const CASES: Case[] = [
  {
    env: 'alfworld', dataset: 'alfworld', select: ['--split', 'valid_unseen', '--limit', '1'],
    obs: (o) => `Environment Observation: ${processOb(o)}`, first: /^You are in the middle of a room\. [\s\S]*\nYour task is to: /,
    actions: (first) => ['Action: look\nThought: I will see where I am.', `Action: go to ${/you see a ([a-z]+ \d+)/.exec(first)![1]}`],
  },
  {
    env: 'webshop', dataset: 'webshop', select: ['--split', 'test', '--limit', '1'],
    obs: (o) => `Environment Observation:\n${o}`, first: /^WebShop \[SEP\] Instruction: \[SEP\] .+ \[SEP\] Search$/,
    actions: () => ['Action: search[mug] to begin', 'Action: search[red mug]'],
  },
];

for (const c of CASES) {
  const data = findData(c.dataset);
  const root = data && dirname(data);
  describe.skipIf(!refDir || !root || dirname(refDir) !== root)(`epo eval ${c.env} --protocol reference`, () => {
    const runs = mkdtempSync(join(tmpdir(), `epo-ref-${c.env}-`));
    const closers: (() => Promise<void>)[] = [];
    const thoughts = ['Thought: first, look around.', 'Thought: then check what I hold.'];
    const strategist = scriptedModel((_r, i) => thoughts[i] ?? 'Thought: go on.', { spec: 'scripted:s' });
    const actor = scriptedModel((r, i) => c.actions(r.messages.filter((m) => m.role === 'user' && c.first.test(m.content)).at(-1)!.content)[i] ?? 'Action: wait', { spec: 'scripted:a' });
    let episode: Episode;
    let summary: { protocol: Record<string, unknown> };

    beforeAll(async () => {
      process.env.EPO_RUNS_DIR = runs;
      const s = await startServer({ model: strategist, name: 's', port: 0 });
      const a = await startServer({ model: actor, name: 'a', port: 0 });
      closers.push(() => s.close(), () => a.close());
      await runCli(['eval', c.env, ...c.select, '--data', root!, '--protocol', 'reference', '--strategist', `${s.url}/v1#s`, '--actor', `${a.url}/v1#a`,
        '--quiet', '--run', 'ref', '--summary', join(runs, 'ref.json')]);
      const st = RunStore.open(join(runs, 'ref', 'epo.sqlite'));
      try { episode = [...st.episodes()][0]; } finally { st.close(); }
      summary = JSON.parse(readFileSync(join(runs, 'ref.json'), 'utf8'));
    }, 120_000);
    afterAll(async () => {
      delete process.env.EPO_RUNS_DIR;
      for (const close of closers) await close();
      rmSync(runs, { recursive: true, force: true });
    });

    it("sends the strategist the release's opening chat: instruction, OK, the one example, the task", () => {
      const cfg = envConfig(c.env);
      expect(episode.initialObservation).toMatch(c.first);
      expect(strip(strategist.calls[0])).toEqual(opening(String(cfg.thought_instruction_path), String(cfg.thought_icl_path), episode.initialObservation));
    });

    it("sends the actor its opening chat with the strategist's answer as the last, assistant message", () => {
      const cfg = envConfig(c.env);
      expect(strip(actor.calls[0])).toEqual([
        ...opening(String(cfg.action_instruction_path), String(cfg.action_icl_path), episode.initialObservation),
        { role: 'assistant', content: thoughts[0] },
      ]);
    });

    it('grows both chats as main.py does after a step, keeping the trailing text of the action', () => {
      const t0 = episode.turns[0];
      const actions = c.actions(episode.initialObservation);
      expect(t0.action).toBe(actions[0].slice('Action: '.length));
      const s1 = strip(strategist.calls[1]), a1 = strip(actor.calls[1]);
      expect(s1).toEqual([...strip(strategist.calls[0]), { role: 'assistant', content: thoughts[0] },
        { role: 'user', content: `Agent1's${actions[0]}${c.obs(t0.observation)}` }]);
      const a0 = strip(actor.calls[0]);
      expect(a1).toEqual([...a0.slice(0, -1), { role: 'assistant', content: thoughts[0] + actions[0] },
        { role: 'user', content: c.obs(t0.observation) }, { role: 'assistant', content: thoughts[1] }]);
      expect(episode.turns[1].strategist!.input).toEqual(strategist.calls[1].messages); // the stored chat is the one sent
    });

    if (c.env === 'alfworld') it.runIf(!!findData('alfworld', 'logic-epo'))('plays the older ALFWorld the release ran, showing its arrivals without "You arrive at loc N."', () => {
      const t1 = episode.turns[1];
      expect(t1.observation).toMatch(/^You arrive at loc \d+\. /); // logic-epo's wording, stored as the environment said it
      expect(strategist.calls[2].messages.at(-1)!.content).toBe(`Agent1's${c.actions(episode.initialObservation)[1]}Environment Observation: ${t1.observation.replace(/^You arrive at loc \d+\. /, '')}`);
      expect(summary.protocol.dataVersion).toMatch(/ logic-epo$/);
    });

    it("runs to the release's step limit and records the protocol", () => {
      const limit = Number(envConfig(c.env).max_steps);
      expect(limit).toBe(c.env === 'alfworld' ? 40 : 10);
      expect(summary.protocol).toMatchObject({ protocol: 'reference', maxSteps: limit });
      expect(episode.turns.length).toBe(limit); // nothing is ever done: the actor only looks and waits
      expect(episode.outcome).toMatchObject({ protocol: 'reference', reason: 'max_steps' });
    });

    it('decodes greedily: temperature 0 sent on every call, no top_p, 512 new tokens', () => {
      for (const r of [...strategist.calls, ...actor.calls]) {
        expect(r.temperature).toBe(0);
        expect(r.topP).toBeUndefined();
        expect(r.maxTokens).toBe(512);
      }
      expect(Object.values(episode.models).map((m) => m.temperature)).toEqual([0, 0]);
    });
  });
}

describe.skipIf(!refDir)('WebShop under the reference protocol', () => {
  it('compares dict goal options as (name, value) pairs, as goal.py:240-245 does', async () => {
    const { referenceSuite } = await import('../../src/reference/alfshop-protocol.js');
    const { WebShopEnv } = await import('../../src/envs/webshop/env.js');
    const world = {} as ConstructorParameters<typeof WebShopEnv>[0];
    const suite = { env: 'webshop', makeEnv: () => new WebShopEnv(world) } as unknown as Parameters<typeof referenceSuite>[0];
    const made = referenceSuite(suite, dirname(refDir!)).suite.makeEnv() as unknown as { world: unknown; opts: { goalOptions?: string } };
    expect(made.world).toBe(world);
    expect(made.opts.goalOptions).toBe('pairs');
    expect((suite.makeEnv() as unknown as { opts: { goalOptions?: string } }).opts.goalOptions).toBeUndefined();
  });
});
