/**
 * What `epo proxy` adds to each request: a fixed-latency upstream (20 ms) and an instant scripted strategist, with 1,
 * 64 and 256 agent sessions running at once (each session: 8 turns of a growing tool-using conversation, then its
 * outcome, then a new session). The upstream and the agents run in child processes, so this process's CPU is the
 * proxy's own. Reported per concurrency:
 *   added latency  per request, the proxy's time minus the strategist's and the upstream's (p50, p99), in ms
 *   CPU            this process's CPU per request, in ms
 *   throughput     requests per second against the ideal (sessions / upstream latency) and against the same agents
 *                  sent straight to the upstream (what the machine manages without the proxy)
 * Goal: p50 ≤ 1 ms added, ≥ 95 % of ideal at 256.
 *   npm run -s bench -- proxy [seconds per level] [latency ms]
 */
import { fork } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptedModel } from '../src/llm/scripted.js';
import { startProxy } from '../src/plugin/proxy/server.js';

const seconds = Number(process.argv[2] ?? 5);
const latencyMs = Number(process.argv[3] ?? 20);
const levels = [1, 64, 256];

const UPSTREAM = `
const http = require('node:http');
const latency = Number(process.argv[2]);
const s = http.createServer((req, res) => {
  const chunks = []; req.on('data', (c) => chunks.push(c));
  req.on('end', () => setTimeout(() => {
    const msgs = JSON.parse(Buffer.concat(chunks).toString() || '{}').messages;
    if (!msgs) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); return; }
    const n = msgs.length;
    const body = JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: n % 2 ? 'tool_calls' : 'stop',
      message: n % 2 ? { role: 'assistant', content: null, tool_calls: [{ id: 'c' + n, type: 'function', function: { name: 'lookup', arguments: '{"q":"item ' + n + '"}' } }] }
                     : { role: 'assistant', content: 'Here is what I found about item ' + n + '.' } }], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body);
  }, latency));
});
s.keepAliveTimeout = 65000;
s.listen(0, '127.0.0.1', () => process.send(s.address().port));
`;

const AGENTS = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
let stop = false, count = 0, failed = 0;
function call(port, path, body, base) {
  return new Promise((resolve) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path: base + path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks = []; res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, session: res.headers['x-epo-session'] || 'direct', body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', () => resolve({ status: 0 })); req.end(data);
  });
}
async function session(port, k, base) {
  let serial = 0;
  while (!stop) {
    let messages = [{ role: 'system', content: 'You are a helpful shopping agent with a lookup tool.' }, { role: 'user', content: 'Agent ' + k + ' task ' + (serial++) + ': find a red kettle under 40 dollars.' }];
    let id;
    for (let turn = 0; turn < 8 && !stop; turn++) {
      const r = await call(port, '/chat/completions', { model: 'm', messages, tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] }, base);
      if (r.status !== 200) { failed++; break; }
      count++; id = r.session;
      const m = JSON.parse(r.body).choices[0].message;
      messages = [...messages, m, m.tool_calls ? { role: 'tool', tool_call_id: m.tool_calls[0].id, content: 'a red kettle, 35 dollars' } : { role: 'user', content: 'And another one?' }];
    }
    if (id) await call(port, '/epo/sessions/' + id + '/outcome', { reward: 1, success: true }, base);
  }
}
process.on('message', async ({ port, sessions, ms, base }) => {
  stop = false; count = 0; failed = 0;
  const t0 = Date.now();
  const all = Array.from({ length: sessions }, (_, k) => session(port, k, base));
  setTimeout(() => { stop = true; }, ms);
  await Promise.all(all);
  process.send({ count, failed, wallMs: Date.now() - t0 });
});
`;

const dir = mkdtempSync(join(tmpdir(), 'epo-proxy-bench-'));
writeFileSync(join(dir, 'upstream.cjs'), UPSTREAM);
writeFileSync(join(dir, 'agents.cjs'), AGENTS);
const up = fork(join(dir, 'upstream.cjs'), [String(latencyMs)]);
const port = await new Promise<number>((r) => up.once('message', (p) => r(p as number)));

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN; };
const strategist = scriptedModel(() => 'Check the price limit before choosing.', { spec: 'scripted:bench' });
const rows: Record<string, number>[] = [];
for (const sessions of levels) {
  const added: number[] = [];
  let recorded = 0;
  const proxy = await startProxy({
    upstream: `http://127.0.0.1:${port}/v1#m`, strategist: 'scripted:bench', load: () => strategist, run: 'bench', save: () => { recorded++; },
    onTimings: (t) => added.push(t.totalMs - t.strategistMs - t.upstreamMs),
  });
  const agents = fork(join(dir, 'agents.cjs'));
  const warm = Math.min(1000, seconds * 200);
  const run = (ms: number, to = proxy.port) => new Promise<{ count: number; failed: number; wallMs: number }>((r) => { agents.once('message', (m) => r(m as never)); agents.send({ port: to, sessions, ms, base: '/v1' }); });
  // the same agents straight to the upstream: what this machine can do without the proxy
  await run(warm, port);
  const direct = await run(seconds * 1000, port);
  const directRps = direct.count / (direct.wallMs / 1000);
  await run(warm);
  added.length = 0;
  const c0 = process.cpuUsage();
  const r = await run(seconds * 1000);
  const c = process.cpuUsage(c0);
  agents.kill();
  await proxy.close();
  const ideal = sessions / (latencyMs / 1000);
  const rps = r.count / (r.wallMs / 1000);
  const row = {
    sessions, requests: r.count, failed: r.failed, addedP50: quantile(added, 0.5), addedP99: quantile(added, 0.99),
    cpuMsPerRequest: (c.user + c.system) / 1000 / r.count, rps, idealRps: ideal, ofIdeal: rps / ideal, directRps, ofDirect: rps / directRps, episodes: recorded,
  };
  rows.push(row);
  console.log(`${String(sessions).padStart(4)} sessions: ${r.count} requests (${r.failed} failed), added p50 ${row.addedP50.toFixed(3)} ms, p99 ${row.addedP99.toFixed(3)} ms, `
    + `CPU ${row.cpuMsPerRequest.toFixed(3)} ms/request, ${rps.toFixed(0)} req/s = ${(100 * row.ofIdeal).toFixed(1)} % of ideal ${ideal.toFixed(0)}, ${(100 * row.ofDirect).toFixed(1)} % of direct ${directRps.toFixed(0)}`);
}
up.kill();
console.log(JSON.stringify({ bench: 'proxy', latencyMs, seconds, rows }));
