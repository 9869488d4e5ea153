/** Shared pieces of the LLM-layer tests: a real server around a recording model, and a sleep that only records. */
import type { EpoError } from '../../src/core/errors.js';
import type { IncomingMessage } from 'node:http';
import { scriptedModel, type Script } from '../../src/llm/scripted.js';
import { startServer, type FaultHook, type RunningServer } from '../../src/serve/openai-server.js';

export interface Harness {
  server: RunningServer;
  model: ReturnType<typeof scriptedModel>;
  /** Headers of every chat request, in arrival order. */
  headers: IncomingMessage['headers'][];
  spec: (opts?: string) => string;
}

export async function harness(script: Script, o: { faults?: FaultHook; token?: string; name?: string; maxBodyBytes?: number } = {}): Promise<Harness> {
  const model = scriptedModel(script, { spec: 'scripted:test', cycle: true });
  const headers: IncomingMessage['headers'][] = [];
  const server = await startServer({
    model, name: o.name ?? 'test-model', token: o.token, maxBodyBytes: o.maxBodyBytes,
    faults: (n, req) => { headers.push(req.headers); return o.faults?.(n, req); },
  });
  return { server, model, headers, spec: (opts = '') => `${server.baseURL}#${o.name ?? 'test-model'}${opts ? `?${opts}` : ''}` };
}

export function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => { sleeps.push(ms); } };
}

/** The EpoError a promise rejects with; fails the test when it resolves instead. */
export async function failure(p: Promise<unknown>): Promise<EpoError> {
  try {
    await p;
  } catch (e) {
    return e as EpoError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
