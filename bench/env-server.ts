/**
 * The environment server's throughput: steps/s and p50/p99 request latency at 1, 64 and 256 concurrent clients for
 * ALFWorld and WebShop, over HTTP with AgentGym's one-step route and with epo's batch route, and memory per
 * instance. The server runs in its own process (one JavaScript thread); its CPU time is read from /proc, so the
 * figures also give steps per server CPU-second, which other load on the machine does not change much.
 *   npm run -s bench -- env-server [seconds per case, default 3] [alfworld,webshop]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dataDir } from '../src/data/dir.js';
import { loadServedEnv } from '../src/serve/env/load.js';
import { startEnvServer } from '../src/serve/env/server.js';

const here = fileURLToPath(import.meta.url);


interface Case { env: string; route: 'one-step' | 'batch'; clients: number; steps: number; seconds: number; p50: number; p99: number; serverCpu: number }

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 3);
  const envs = (process.argv[3] ?? 'alfworld,webshop').split(',');
  console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`);
  const cases: Case[] = [];
  const memory: Record<string, number> = {};
  for (const env of envs) {
    const { url, pid, stop } = await startChild(env);
    try {
      for (const clients of [1, 64, 256]) for (const route of ['one-step', 'batch'] as const) {
        const c = await runCase(url, pid, env, route, clients, seconds);
        cases.push(c);
        console.log(`${env.padEnd(8)} ${route.padEnd(8)} ${String(clients).padStart(3)} clients: ${fmt(c.steps / c.seconds)} steps/s, request p50 ${c.p50.toFixed(2)} ms p99 ${c.p99.toFixed(2)} ms; server CPU ${(100 * c.serverCpu / c.seconds).toFixed(0)}% of a core → ${fmt(c.steps / c.serverCpu)} steps per server CPU-second`);
      }
    } finally { stop(); }
    memory[env] = await memoryPerInstance(env);
    console.log(`${env}: ${(memory[env] / 1024).toFixed(1)} KiB per instance (2,000 instances, each reset to a game, in one process)`);
  }
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(JSON.stringify({ bench: 'env-server', cases, memoryPerInstanceBytes: memory }));
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en');

function startChild(env: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here, '--serve', env], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, EPO_DATA_DIR: dataDir() } });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('\n')) resolve({ url: out.split('\n')[0], pid: child.pid!, stop: () => child.kill('SIGTERM') }); });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** User + system CPU seconds of a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

let agent = new Agent({ keepAlive: true, maxSockets: 1024 });

function post(url: string, path: string, body: unknown): Promise<any> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch (e) { reject(e as Error); } });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Actions each client cycles through: engine work of the usual kinds, never a purchase or a finished game. */
function actionsFor(env: string, available: string[]): string[] {
  if (env === 'webshop') return ['search[body lotion for dry skin]', 'click[next >]', 'click[< prev]', 'click[back to search]'];
  const moves = available.filter((a) => a.startsWith('go to ') || a.startsWith('open ') || a === 'look' || a === 'inventory');
  return moves.slice(0, 12);
}

async function runCase(url: string, pid: number, env: string, route: 'one-step' | 'batch', clients: number, seconds: number): Promise<Case> {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  // Instances through the native route, each reset to its own game (ALFWorld: the 200 valid_train games).
  const ids: number[] = [], plans: string[][] = [];
  for (let i = 0; i < clients; i++) {
    const r = await post(url, '/v1/envs', { task: env === 'alfworld' ? 2420 + (i % 200) : i });
    ids.push(r.id);
    plans.push(actionsFor(env, r.available_actions ?? r.info?.available_actions ?? []));
  }
  const latencies: number[] = [];
  let steps = 0, k = 0;
  const end = performance.now() + seconds * 1000;
  const cpu0 = cpuSeconds(pid), t0 = performance.now();
  const resetIfDone = async (id: number, i: number, done: boolean) => {
    if (done) await post(url, `/v1/envs/${id}/reset`, { task: env === 'alfworld' ? 2420 + (i % 200) : i });
  };
  if (route === 'one-step') {
    // Each client steps its own instance, one request per step, as AgentGym's clients do.
    await Promise.all(ids.map(async (id, i) => {
      for (let n = 0; performance.now() < end; n++) {
        const s = performance.now();
        const r = await post(url, `/v1/envs/${id}/step`, { action: plans[i][n % plans[i].length] });
        latencies.push(performance.now() - s);
        steps++;
        await resetIfDone(id, i, r.done);
      }
    }));
  } else {
    // A trainer's lockstep: all instances stepped together, in batches of at most 64 in flight at once.
    const groups: number[][] = [];
    for (let i = 0; i < ids.length; i += 64) groups.push(ids.slice(i, i + 64).map((_, j) => i + j));
    await Promise.all(groups.map(async (g) => {
      for (; performance.now() < end; k++) {
        const s = performance.now();
        const r = await post(url, '/v1/envs/step', { steps: g.map((i) => ({ id: ids[i], action: plans[i][k % plans[i].length] })) });
        latencies.push(performance.now() - s);
        steps += g.length;
        await Promise.all((r.results as { done?: boolean }[]).map((x, j) => resetIfDone(ids[g[j]], g[j], !!x.done)));
      }
    }));
  }
  const wall = (performance.now() - t0) / 1000, serverCpu = cpuSeconds(pid) - cpu0;
  for (const id of ids) await new Promise<void>((resolve, reject) => request(`${url}/v1/envs/${id}`, { method: 'DELETE', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject).end());
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { env, route, clients, steps, seconds: wall, p50: q(0.5), p99: q(0.99), serverCpu };
}

async function memoryPerInstance(env: string): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const served = await loadServedEnv(env);
  const n = 2000;
  const keep: unknown[] = [];
  // Warm the shared world first (lazily filled caches belong to it, not to instances).
  for (let i = 0; i < 200; i++) served.reset(served.create(), env === 'alfworld' ? 2420 + (i % 200) : i);
  gc();
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) {
    const s = served.create();
    served.reset(s, env === 'alfworld' ? 2420 + (i % 200) : i);
    keep.push(s);
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const used = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external + m.arrayBuffers;
  return keep.length ? (used(after) - used(before)) / n : 0;
}

if (process.argv[2] === '--serve') {
  // The server process: load the environment, listen on a free port, print the URL.
  const served = await loadServedEnv(process.argv[3]);
  const server = await startEnvServer({ served, maxInstances: 100_000, maxBodyBytes: 16 * 1024 * 1024 });
  process.stdout.write(`${server.url}\n`);
} else await main();
