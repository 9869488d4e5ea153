/** Starting a proxy for tests: scripted strategists by name, episodes kept in a list, a fake upstream. */
import type { Episode } from '../../src/core/episode.js';
import type { ChatModel } from '../../src/llm/model.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../src/plugin/proxy/server.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

/** `scripted:plan-X` answers "X strategy <n>" (n counts its calls); `scripted:slow-X?ms=M` does so after M ms. */
export function testLoad(closed: string[] = []): (spec: string) => ChatModel {
  return (spec) => {
    const name = /^scripted:(?:plan|slow)-([^?]+)/.exec(spec)?.[1] ?? 'x';
    const ms = Number(/ms=(\d+)/.exec(spec)?.[1] ?? 0);
    const m = scriptedModel((_req, i) => `${name} strategy ${i + 1}`, { spec, delayMs: ms });
    return { ...m, complete: m.complete.bind(m), close: async () => { closed.push(spec); } };
  };
}

export interface Rig { upstream: FakeUpstream; proxy: RunningProxy; episodes: Episode[]; closed: string[]; stop(): Promise<void> }

/** A fake upstream and a proxy in front of it; `upstreamSpec` turns the upstream's base URL into the spec given. */
export async function rig(o: Partial<ProxyOptions> = {}, upstreamSpec = (url: string) => `${url}#fake-model`): Promise<Rig> {
  const upstream = await startFakeUpstream();
  const episodes: Episode[] = [];
  const closed: string[] = [];
  const proxy = await startProxy({
    upstream: upstreamSpec(upstream.url), strategist: 'scripted:plan-A', load: testLoad(closed), run: 'proxy-test',
    save: (e) => { if (episodes.some((x) => x.id === e.id)) throw new Error(`stored twice: ${e.id}`); episodes.push(e); },
    stored: (id) => episodes.some((x) => x.id === id),
    ...o,
  });
  return { upstream, proxy, episodes, closed, stop: async () => { await proxy.close(); await upstream.close(); } };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A response body as JSON, typed loosely for assertions. */
export const json = async (res: Response): Promise<any> => res.json();
