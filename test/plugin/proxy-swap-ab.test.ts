import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import type { AgentMessage } from '../../src/plugin/conversation.js';
import { abReport, newcombeDiff } from '../../src/plugin/proxy/ab-report.js';
import { PROXY_META } from '../../src/plugin/proxy/run-report.js';
import { RunStore } from '../../src/store/run-store.js';
import { epo } from '../helpers/store-cli.js';
import { post, rig, testLoad, type Rig } from './proxy-helpers.js';

let r: Rig | undefined;
afterEach(async () => { await r?.stop(); r = undefined; });

const messages: AgentMessage[] = [{ role: 'user', content: 'Plan my week.' }];
const strategyOf = (body: Record<string, unknown>) => String((body.messages as AgentMessage[])[0].content).replace(/^.*planner\): /, '');

describe('epo proxy: hot swap', () => {
  it('finishes in-flight requests on the old strategist, sends new ones to the new, drops none, then closes the old', async () => {
    let open!: () => void;
    const gate = new Promise<void>((z) => { open = z; });
    const closed: string[] = [];
    const base = testLoad(closed);
    let started = 0;
    const load = (spec: string): ChatModel => {
      if (spec !== 'scripted:gate') return base(spec);
      const m = scriptedModel(async () => { started++; await gate; return 'old strategy'; }, { spec });
      return { ...m, complete: m.complete.bind(m), close: async () => { closed.push(spec); } };
    };
    r = await rig({ strategist: 'scripted:gate', load });
    const url = `${r.proxy.baseURL}/chat/completions`;
    const inFlight = [1, 2, 3].map((i) => post(url, { messages }, { 'x-epo-session': `old-${i}` }));
    while (started < 3) await new Promise((z) => setTimeout(z, 5));
    const swapped = await post(`${r.proxy.url}/v1/epo/strategist`, { spec: 'scripted:plan-new' });
    expect(swapped.status).toBe(200);
    expect(r.proxy.strategists()).toEqual({ A: 'scripted:plan-new' });
    const fresh = await Promise.all([1, 2].map((i) => post(url, { messages }, { 'x-epo-session': `new-${i}` })));
    expect(fresh.map((x) => x.status)).toEqual([200, 200]);
    expect(closed).toEqual([]); // the old one still serves its three requests
    open();
    expect((await Promise.all(inFlight)).map((x) => x.status)).toEqual([200, 200, 200]);
    const got = r.upstream.received.map((x) => [x.headers['x-epo-session'] ?? '', strategyOf(x.body)]);
    expect(r.upstream.received.map((x) => strategyOf(x.body)).sort()).toEqual(['new strategy 1', 'new strategy 2', 'old strategy', 'old strategy', 'old strategy']);
    expect(got).toHaveLength(5);
    for (let i = 0; i < 50 && closed.length === 0; i++) await new Promise((z) => setTimeout(z, 5));
    expect(closed).toEqual(['scripted:gate']);
  });

  it('keeps the old strategist when the new spec cannot load', async () => {
    r = await rig({ load: (spec) => { if (spec.includes('broken')) throw new Error('no checkpoint at /x'); return testLoad()(spec); } });
    const res = await post(`${r.proxy.url}/v1/epo/strategist`, { spec: 'local:broken' });
    expect(res.status).toBe(400);
    expect(r.proxy.strategists()).toEqual({ A: 'scripted:plan-A' });
    expect((await post(`${r.proxy.baseURL}/chat/completions`, { messages })).status).toBe(200);
  });
});

describe('epo proxy: A/B', () => {
  it('assigns new sessions to A or B by a seeded split, records the arm, and reports per-arm rates and the difference', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'epo-proxy-ab-'));
    process.env.EPO_RUNS_DIR = runs;
    const store = RunStore.open(join(runs, 'ab', 'epo.sqlite'));
    store.setMeta(PROXY_META, { strategist: 'scripted:plan-A', candidate: 'scripted:plan-B', split: 0.5 });
    r = await rig({ candidate: 'scripted:plan-B', split: 0.5, seed: 3, run: 'ab', save: (e) => store.putEpisode(e), stored: (id) => store.hasEpisode(id) });
    const url = `${r.proxy.baseURL}/chat/completions`;
    const arms: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await post(url, { messages }, { 'x-epo-session': `u-${i}` });
      await res.text();
      const arm = strategyOf(r.upstream.received[i].body).startsWith('B ') ? 'B' : 'A';
      arms.push(arm);
      // B succeeds on 3 of 4 sessions, A on 1 of 4
      const success = arm === 'B' ? i % 4 !== 0 : i % 4 === 0;
      await post(`${r.proxy.url}/v1/epo/sessions/u-${i}/outcome`, { reward: success ? 1 : 0, success });
    }
    await r.proxy.close();
    const episodes = [...store.episodes()];
    store.close();
    expect(episodes).toHaveLength(40);
    for (const e of episodes) {
      const i = Number(e.taskId.slice(2));
      expect(e.task.arm).toBe(arms[i]);
      expect(e.models.strategist.spec).toBe(`scripted:plan-${arms[i]}`);
    }
    const nB = arms.filter((a) => a === 'B').length;
    expect(nB).toBeGreaterThan(8);
    expect(nB).toBeLessThan(32);
    const rep = abReport(episodes);
    expect(rep.arms.map((a) => [a.arm, a.sessions])).toEqual([['A', 40 - nB], ['B', nB]]);
    expect(rep.successDiff!.mean).toBeGreaterThan(0.3);
    const summaryFile = join(runs, 'ab-summary.json');
    const out = await epo(['runs', 'report', '--run', 'ab', '--summary', summaryFile]);
    expect(out.code).toBe(0);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary).toMatchObject({ run: 'ab', kind: 'proxy' });
    expect(summary.arms.map((a: { arm: string; sessions: number }) => [a.arm, a.sessions])).toEqual([['A', 40 - nB], ['B', nB]]);
    expect(summary.successDiff.mean).toBeCloseTo(rep.successDiff!.mean, 12);
    expect(out.out).toContain('B − A success rate:');
    expect(out.out).toMatch(/^B\s+\d+\s+\d+\s+[\d.]+ \[/m);
    delete process.env.EPO_RUNS_DIR;
  });

  it('computes Newcombe\'s hybrid score interval as his worked example (56/70 vs 48/80)', () => {
    const d = newcombeDiff(48, 80, 56, 70);
    expect(d.mean).toBeCloseTo(0.2, 10);
    expect(d.lo).toBeCloseTo(0.0524, 4);
    expect(d.hi).toBeCloseTo(0.3339, 4);
  });
});
