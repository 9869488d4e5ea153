/**
 * The data flywheel through the proxy: a multi-turn tool-using agent runs through `epo proxy` with the shipped
 * built-in strategist; the recorded run is labelled (scripted judge), built into a dataset and trained on by the
 * built-in trainer; the new checkpoint is hot-swapped in while a request is in flight, and no request is dropped.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { strategistChat } from '../../src/core/episode.js';
import { SHIPPED_STRATEGIST } from '../../src/demo/start.js';
import { createModel } from '../../src/llm/create.js';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { PROXY_META } from '../../src/plugin/proxy/run-report.js';
import { startProxy, type RunningProxy } from '../../src/plugin/proxy/server.js';
import { runDir } from '../../src/store/run-dir.js';
import { RunStore } from '../../src/store/run-store.js';
import { epo } from '../helpers/store-cli.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { json, post } from './proxy-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'epo-proxy-flywheel-'));
let upstream: FakeUpstream | undefined;
let proxy: RunningProxy | undefined;
let store: RunStore | undefined;
afterAll(async () => { await proxy?.close(); await upstream?.close(); store?.close(); delete process.env.EPO_RUNS_DIR; });

/** One agent session: ask, call a tool, answer, take a follow-up; returns the session id. */
async function agentSession(p: RunningProxy, u: FakeUpstream, task: string): Promise<string> {
  const url = `${p.baseURL}/chat/completions`;
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
  let messages: AgentMessage[] = [{ role: 'system', content: 'You help with errands.' }, { role: 'user', content: task }];
  u.queue.push({ kind: 'tools', calls: [{ id: 'c1', name: 'lookup', arguments: JSON.stringify({ q: task }) }] }, { kind: 'text', content: 'Done.' }, { kind: 'text', content: 'You are welcome.' });
  const first = await post(url, { model: 'fake-model', messages, tools });
  expect(first.status).toBe(200);
  const session = first.headers.get('x-epo-session')!;
  messages = [...messages, (await json(first)).choices[0].message, { role: 'tool', tool_call_id: 'c1', name: 'lookup', content: 'found it' }];
  const second = await post(url, { model: 'fake-model', messages, tools });
  expect(second.headers.get('x-epo-session')).toBe(session);
  messages = [...messages, (await json(second)).choices[0].message, { role: 'user', content: 'Thanks!' }];
  const third = await post(url, { model: 'fake-model', messages, tools, stream: true });
  expect(third.headers.get('x-epo-session')).toBe(session);
  await third.text();
  return session;
}

describe('proxy → label → dataset → train → hot swap', () => {
  it('trains on a recorded proxy run and swaps the new checkpoint in without dropping a request', async () => {
    process.env.EPO_RUNS_DIR = root;
    upstream = await startFakeUpstream();
    store = RunStore.open(runDir('fly').store);
    const into = store;
    store.setMeta(PROXY_META, { upstream: upstream.spec, strategist: `local:${SHIPPED_STRATEGIST}` });
    proxy = await startProxy({
      upstream: upstream.spec, strategist: `local:${SHIPPED_STRATEGIST}`, load: (spec) => createModel(spec), strategistMaxTokens: 16, run: 'fly',
      save: (e) => into.putEpisode(e), stored: (id) => into.hasEpisode(id),
    });
    for (let i = 0; i < 4; i++) {
      const session = await agentSession(proxy, upstream, `Errand number ${i}: fetch parcel ${i}.`);
      const out = await post(`${proxy.url}/v1/epo/sessions/${session}/outcome`, { reward: i % 2 ? 1 : 0, success: i % 2 === 1 });
      expect((await json(out)).turns).toBe(3);
    }
    const episodes = [...store.episodes()]; // the store stays open: the proxy records into it until the end
    expect(episodes).toHaveLength(4);
    for (const e of episodes) expect(strategistChat(e).filter((m) => m.role === 'assistant')).toHaveLength(3);

    const judge = 'scripted:judge?pick=last';
    const label = await epo(['label', '--run', 'fly', '--judge', judge]);
    expect(label.err + label.out).not.toMatch(/error/i);
    expect(label.code).toBe(0);
    const ds = join(root, 'ds');
    const build = await epo(['dataset', 'build', '--runs', 'fly', '--out', ds, '--labeler', `judge:${judge}`, '--format', 'jsonl']);
    expect(build.code).toBe(0);
    expect(existsSync(join(ds, 'train.jsonl'))).toBe(true);
    const ckpt = join(root, 'ckpt');
    const train = await epo(['train', '--engine', 'builtin', '--dataset', ds, '--model', `local:${SHIPPED_STRATEGIST}`, '--out', ckpt, '--epochs', '1', '--batch-size', '2']);
    expect(train.err).not.toMatch(/^error/m);
    expect(train.code).toBe(0);
    expect(existsSync(join(ckpt, 'model.safetensors'))).toBe(true);

    // a request in flight while the swap happens, then new sessions on the new checkpoint
    upstream.queue.push({ kind: 'text', content: 'slow answer', delayMs: 200 });
    const inFlight = post(`${proxy.baseURL}/chat/completions`, { model: 'fake-model', messages: [{ role: 'user', content: 'during the swap' }] });
    let settled = false;
    void inFlight.finally(() => { settled = true; });
    while (upstream.received.length < 13 && !settled) await new Promise((z) => setTimeout(z, 5));
    const swap = await post(`${proxy.url}/v1/epo/strategist`, { spec: `local:${ckpt}` });
    expect(swap.status).toBe(200);
    expect(proxy.strategists()).toEqual({ A: `local:${ckpt}` });
    expect((await inFlight).status).toBe(200);
    await agentSession(proxy, upstream, 'After the swap: one more errand.');
  }, 240_000);
});
