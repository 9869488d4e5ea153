/**
 * LLM layer figures: requests per second through `epo serve` (scripted:echo) with the official client, plain and
 * streaming, at a given concurrency; cache hit lookups per second; JSON extraction speed.
 *   npm run -s bench -- llm [requests=2000] [concurrency=8]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseCache } from '../src/llm/cache.js';
import { createModel } from '../src/llm/create.js';
import { wrap } from '../src/llm/model.js';
import { extractJson } from '../src/llm/json-extract.js';
import { startServer } from '../src/serve/openai-server.js';

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 8);

async function pool(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < n) await job(next++); }));
}

const server = await startServer({ model: createModel('scripted:echo') });
const model = createModel(`${server.baseURL}#echo`, { concurrency });
const prompt = (i: number) => ({ messages: [{ role: 'system' as const, content: 'You are a strategist.' }, { role: 'user' as const, content: `Observation ${i}: you are in a kitchen. What next?` }] });

await pool(50, concurrency, async (i) => { await model.complete(prompt(i)); });
let t0 = performance.now();
await pool(total, concurrency, async (i) => { await model.complete(prompt(i)); });
const plainMs = performance.now() - t0;

t0 = performance.now();
let chunks = 0;
await pool(total, concurrency, async (i) => { for await (const _ of model.stream!(prompt(i))) chunks++; });
const streamMs = performance.now() - t0;
await server.close();

const dir = mkdtempSync(join(tmpdir(), 'epo-bench-llm-'));
const cache = new ResponseCache({ path: join(dir, 'c.sqlite') });
const cached = wrap(createModel('scripted:echo'), cache.middleware);
for (let i = 0; i < 1000; i++) await cached.complete({ ...prompt(i), temperature: 0 });
t0 = performance.now();
for (let k = 0; k < 10_000; k++) await cached.complete({ ...prompt(k % 1000), temperature: 0 });
const hitMs = performance.now() - t0;
cache.close();
rmSync(dir, { recursive: true, force: true });

const answer = `Let me think about {the goal} first.\n\`\`\`json\n${JSON.stringify({ reasoning: 'a "quoted" {brace} '.repeat(20), scores: Array.from({ length: 7 }, (_, i) => i) })}\n\`\`\``;
t0 = performance.now();
for (let k = 0; k < 20_000; k++) extractJson(answer);
const extractMs = performance.now() - t0;

const figures = {
  serve_plain_requests_per_s: Math.round(total / (plainMs / 1000)),
  serve_plain_ms_per_request: +(plainMs / total).toFixed(3),
  serve_stream_requests_per_s: Math.round(total / (streamMs / 1000)),
  serve_stream_chunks: chunks,
  cache_hits_per_s: Math.round(10_000 / (hitMs / 1000)),
  extract_json_us_per_answer: +((extractMs * 1000) / 20_000).toFixed(2),
  requests: total,
  concurrency,
};
console.log(`epo serve + OpenAI client, ${total} requests at concurrency ${concurrency}:`);
console.log(`  plain      ${figures.serve_plain_requests_per_s} req/s (${figures.serve_plain_ms_per_request} ms each)`);
console.log(`  streaming  ${figures.serve_stream_requests_per_s} req/s (${chunks} chunks)`);
console.log(`response cache hits: ${figures.cache_hits_per_s}/s`);
console.log(`JSON extraction (${answer.length} chars, prose + fence): ${figures.extract_json_us_per_answer} µs`);
console.log(JSON.stringify(figures));
