/**
 * A run keeps one protocol: `epo eval` records it (summary, results table, each episode of a non-default protocol),
 * refuses to resume a run under the other one, and episode imports and merges compare it. Records made before
 * protocols had names are epo's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alfworldPrompts } from '../../src/agents/prompts/alfworld.js';
import type { Episode } from '../../src/core/episode.js';
import type { EpoError } from '../../src/core/errors.js';
import { alfworldOutcome } from '../../src/eval/alfworld.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { formatTable } from '../../src/eval/report.js';
import type { Suite } from '../../src/eval/suite.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { referenceLayout } from '../../src/reference/alfshop-layout.js';
import type { AlfshopReference } from '../../src/reference/alfshop.js';
import { misfit, protocolKey, runConditions } from '../../src/store/run-protocol.js';
import { RunStore } from '../../src/store/run-store.js';
import { FakeEnv, fakeTask, type FakeTask } from '../helpers/fake-env.js';

const root = mkdtempSync(join(tmpdir(), 'epo-protocol-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tasks = [fakeTask(0), fakeTask(1)];
const epoSuite: Suite<FakeTask> = {
  env: 'alfworld', split: 'fake', dataVersion: 'fake-1', tasks, prompts: alfworldPrompts, maxSteps: 3,
  makeEnv: () => new FakeEnv(), exampleName: 'none', outcome: alfworldOutcome, taskRecord: (t) => ({ id: t.id }),
};
/** A reference layout over made-up files: enough to run the loop (the real files are tested in alfshop.test.ts). */
const fakeRef: AlfshopReference = {
  env: 'alfworld', strategistInstruction: 'guide', actorInstruction: 'act', strategistIcl: [[{ content: 'task' }, { content: 'Thought: t' }]],
  actorIcl: [[{ content: 'task' }, { content: 'Action: a' }]], maxSteps: 3, strategist: { temperature: 0, topP: 0.7 }, actor: { temperature: 0, topP: 0 },
  maxTokens: 512, files: [],
};
const refSuite: Suite<FakeTask> = { ...epoSuite, protocol: 'reference', layout: referenceLayout(fakeRef) };
const models = () => ({
  strategist: { model: scriptedModel(() => 'Thought: look.'), ref: { spec: 'scripted:s', temperature: 0 } },
  actor: { model: scriptedModel(() => 'Action: look'), ref: { spec: 'scripted:a', temperature: 0 } },
});
const stored = (run: string): Episode[] => {
  const st = RunStore.open(join(root, run, 'epo.sqlite'));
  try { return [...st.episodes()]; } finally { st.close(); }
};

describe('the protocol of a run', () => {
  it('is recorded in the summary, the results table header and each reference episode', async () => {
    const epo = await evaluate({ suite: epoSuite, run: 'epo', runsRoot: root, mode: 'epo', ...models(), concurrency: 1 });
    const ref = await evaluate({ suite: refSuite, run: 'ref', runsRoot: root, mode: 'epo', ...models(), concurrency: 1 });
    expect(epo.summary.protocol.protocol).toBe('epo');
    expect(ref.summary.protocol.protocol).toBe('reference');
    expect(formatTable(ref.summary).split('\n')[0]).toMatch(/ · protocol reference · mode epo · max 3 steps$/);
    expect(formatTable(epo.summary).split('\n')[0]).toMatch(/ · protocol epo · mode epo · /);
    expect(stored('ref').map((e) => e.outcome.protocol)).toEqual(['reference', 'reference']);
    expect(stored('epo').map((e) => e.outcome.protocol)).toEqual([undefined, undefined]); // epo episodes stay as they were
    const actorChat = stored('ref')[0].turns[1].actor!.input;
    expect(actorChat.slice(-3)).toEqual([{ role: 'assistant', content: 'Thought: look.Action: look' }, { role: 'user', content: 'Environment Observation: Nothing happens.' }, { role: 'assistant', content: 'Thought: look.' }]);
  });

  it('cannot change when a run is resumed', async () => {
    let err: EpoError | undefined;
    try { await evaluate({ suite: refSuite, run: 'epo', runsRoot: root, mode: 'epo', ...models(), concurrency: 1 }); } catch (e) { err = e as EpoError; }
    expect(err?.code).toBe('BAD_INPUT');
    expect(err?.message).toMatch(/run "epo" was started with protocol = "epo", not "reference"/);
  });

  it('resumes a run recorded before protocols had names as an epo run', async () => {
    const st = RunStore.open(join(root, 'epo', 'epo.sqlite'));
    try {
      const { protocol: _p, ...old } = st.getMeta<Record<string, unknown>>('protocol')!;
      st.setMeta('protocol', old);
    } finally { st.close(); }
    const again = await evaluate({ suite: epoSuite, run: 'epo', runsRoot: root, mode: 'epo', ...models(), concurrency: 1 });
    expect(again.stats).toMatchObject({ skipped: 2, finished: 0 });
  });

  it('is compared by episode imports and merges', () => {
    const st = RunStore.open(join(root, 'epo', 'epo.sqlite'));
    let conditions;
    try { conditions = { ...runConditions(st)!, env: 'fake' }; } finally { st.close(); } // the fake environment's episodes say 'fake'
    expect(conditions.protocol).toBe('epo');
    const refEpisode = stored('ref')[0];
    expect(misfit(conditions, refEpisode)).toBe('protocol reference, not epo');
    expect(misfit(conditions, stored('epo')[0])).toBeUndefined();
    expect(misfit({ ...conditions, protocol: 'reference' }, refEpisode)).toBeUndefined();
    expect(protocolKey({ env: 'alfworld' })).toBe(protocolKey({ env: 'alfworld', protocol: 'epo' }));
    expect(protocolKey({ env: 'alfworld', protocol: 'reference' })).not.toBe(protocolKey({ env: 'alfworld' }));
  });
});
