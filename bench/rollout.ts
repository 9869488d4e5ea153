/**
 * Rollout throughput against `epo serve`: a scripted backend answers every call after a fixed delay (200 ms), in a
 * separate process, so this process holds only the orchestration (scheduler, episode loop, parsing, HTTP client,
 * run store). Each step is two calls (strategist, actor), so the ideal is concurrency / (2 × delay) steps per second.
 * Reports throughput as a share of that ideal at 1, 16, 64 and 256 episodes in flight, and CPU time per step: this
 * process's (the client: what the figure is about) and, over HTTP, the server process's, which shares the machine.
 *
 *   npm run -s bench -- rollout [--delay-ms 200] [--steps 5] [--levels 1,16,64,256] [--transports http,in-process]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepResult, Task, TextEnv } from '../src/core/env.js';
import { alfworldPrompts } from '../src/agents/prompts/alfworld.js';
import { alfworldOutcome } from '../src/eval/alfworld.js';
import { createModel } from '../src/llm/create.js';
import type { ChatModel } from '../src/llm/model.js';
import { scriptedModel } from '../src/llm/scripted.js';
import { runEpisode, type EpisodeSetup } from '../src/rollout/episode.js';
import { runEpisodes } from '../src/rollout/scheduler.js';
import { RunStore } from '../src/store/run-store.js';
import { startServer } from '../src/serve/openai-server.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const delayMs = Number(arg('delay-ms', '200'));
const steps = Number(arg('steps', '5'));
const levels = arg('levels', '1,16,64,256').split(',').map(Number);
const transports = arg('transports', 'http,in-process').split(',');
let dir = '';
const ANSWER = 'Thought: the key should be on shelf 1.\nAction: go to shelf 1';

/** An environment that answers instantly and never finishes: every episode runs to the step limit. */
class BenchEnv implements TextEnv {
  readonly name = 'bench';
  reset(task: Task): string { return `You are in room ${task.id}.\nYour task is to: find the key.`; }
  step(action: string): StepResult { return { observation: `You did ${action}. Nothing else happens.`, reward: 0, done: false, info: {} }; }
}

/** The server process's CPU time so far (ms), asked over the IPC channel. */
function serverCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpuMs: number }) => resolve(m.cpuMs));
    child.send('cpu');
  });
}

async function level(model: ChatModel, spec: string, c: number, tag: string, server?: ChildProcess) {
  const setup: EpisodeSetup = {
    run: 'bench', mode: 'epo', prompts: alfworldPrompts, maxSteps: steps, outcome: alfworldOutcome, codeVersion: 'bench',
    strategist: { model, ref: { spec, temperature: 0 } }, actor: { model, ref: { spec, temperature: 0 } },
  };
  const store = RunStore.open(join(dir, `${tag}-c${c}.sqlite`));
  const n = Math.max(2 * c, 8);
  const items = Array.from({ length: n }, (_, i) => ({ id: `t${i}#0`, task: { id: `t${i}`, env: 'bench' } }));
  const serverCpu0 = server ? await serverCpuMs(server) : 0;
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  const stats = await runEpisodes(items, (it, signal) => runEpisode(setup, { task: it.task, env: new BenchEnv(), trial: 0, seed: 1, signal }), store, { concurrency: c });
  const secs = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
  const serverCpu = server ? await serverCpuMs(server) - serverCpu0 : undefined;
  store.close();
  if (stats.failed) throw new Error(`${stats.failed} episodes failed: ${stats.errors[0].error}`);
  const total = n * steps;
  return { n, rate: total / secs, ideal: c / (2 * delayMs / 1000), cpuMs: (cpu.user + cpu.system) / 1000 / total, serverCpuMs: serverCpu === undefined ? undefined : serverCpu / total };
}

async function main(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'epo-bench-rollout-'));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', '--delay-ms', String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const spec = `${url}/v1#bench`;
  const figures: Record<string, number> = { delay_ms: delayMs, steps_per_episode: steps };
  try {
    console.log(`scripted backend behind epo serve (${url}), ${delayMs} ms per call, 2 calls per step, ${steps} steps per episode`);
    console.log('transport   in flight   episodes   steps/s   ideal/s   of ideal   CPU per step   server CPU per step');
    // One HTTP model for every level, as a run keeps one: its keep-alive pool is opened by the warm-up (as many
    // connections as the widest level), so no level is charged for the JIT or for opening connections.
    const http = createModel(spec, { concurrency: false });
    await level(http, spec, Math.max(...levels), 'warmup');
    for (const [transport, make, server] of [
      ['http', () => http, child],
      ['in-process', () => scriptedModel([ANSWER], { cycle: true, delayMs, spec: 'scripted:bench' }), undefined],
    ] as const) {
      if (!transports.includes(transport)) continue;
      for (const c of levels) {
        const r = await level(make(), spec, c, transport, server);
        console.log(`${transport.padEnd(10)}  ${String(c).padStart(9)}   ${String(r.n).padStart(8)}   ${r.rate.toFixed(1).padStart(7)}   ${r.ideal.toFixed(1).padStart(7)}   ${(100 * r.rate / r.ideal).toFixed(1).padStart(7)}%   ${r.cpuMs.toFixed(3)} ms   ${r.serverCpuMs === undefined ? '' : `${r.serverCpuMs.toFixed(3)} ms`}`);
        const key = transport === 'http' ? `c${c}` : `inproc_c${c}`;
        figures[`${key}_steps_per_s`] = +r.rate.toFixed(2);
        figures[`${key}_ideal_pct`] = +(100 * r.rate / r.ideal).toFixed(1);
        figures[`${key}_cpu_ms_per_step`] = +r.cpuMs.toFixed(3);
        if (r.serverCpuMs !== undefined) figures[`${key}_server_cpu_ms_per_step`] = +r.serverCpuMs.toFixed(3);
      }
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(figures));
}

if (process.argv.includes('--serve')) {
  // child: the server with its scripted backend
  const model = scriptedModel([ANSWER], { cycle: true, delayMs: Number(arg('delay-ms', '200')), spec: 'scripted:bench' });
  const server = await startServer({ model, name: 'bench', port: 0 });
  process.on('message', () => { const u = process.cpuUsage(); process.send!({ cpuMs: (u.user + u.system) / 1000 }); });
  process.stdout.write(`${server.url}\n`);
} else {
  await main();
}
