/**
 * A tiny OpenAI-compatible upstream on node:http for the proxy tests: it records every request it receives and answers
 * each from a queue of behaviours (text, tool calls, streamed or not, an error status, a hang), else with "ok <n>".
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'text'; content: string; delayMs?: number }
  | { kind: 'tools'; calls: { id: string; name: string; arguments: string }[] }
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'hang' };

export interface Received { path: string; method: string; headers: IncomingHttpHeaders; raw: string; body: Record<string, unknown> }

export interface FakeUpstream {
  url: string;
  spec: string;
  received: Received[];
  queue: Behaviour[];
  /** Fixed latency before every answer. */
  latencyMs: number;
  close(): Promise<void>;
}

const sse = (res: ServerResponse, obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);

/** The SSE chunks of an answer: role, content in two pieces, tool calls (id and name, then arguments in two pieces). */
function stream(res: ServerResponse, content: string, calls: { id: string; name: string; arguments: string }[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake-model' };
  const chunk = (delta: unknown, finish: string | null = null) => sse(res, { ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  chunk({ role: 'assistant', content: '' });
  if (content) { const h = Math.ceil(content.length / 2); chunk({ content: content.slice(0, h) }); chunk({ content: content.slice(h) }); }
  calls.forEach((c, index) => {
    const h = Math.ceil(c.arguments.length / 2);
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
    chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(0, h) } }] });
    chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(h) } }] });
  });
  chunk({}, calls.length ? 'tool_calls' : 'stop');
  res.end('data: [DONE]\n\n');
}

function whole(res: ServerResponse, content: string | null, calls: { id: string; name: string; arguments: string }[]) {
  const message = { role: 'assistant', content, ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}) };
  const body = JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: 'fake-model', choices: [{ index: 0, message, finish_reason: calls.length ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

export async function startFakeUpstream(latencyMs = 0): Promise<FakeUpstream> {
  const received: Received[] = [];
  const queue: Behaviour[] = [];
  const hanging = new Set<ServerResponse>();
  let n = 0;
  const f: FakeUpstream = { url: '', spec: '', received, queue, latencyMs, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', created: 1, owned_by: 'fake' }] }));
        return;
      }
      const body = raw ? JSON.parse(raw) as Record<string, unknown> : {};
      received.push({ path: req.url ?? '', method: req.method ?? '', headers: req.headers, raw, body });
      const b = queue.shift() ?? { kind: 'text', content: `ok ${++n}` };
      const answer = () => {
        if (b.kind === 'hang') { hanging.add(res); return; }
        if (b.kind === 'status') { res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers }); res.end(b.body); return; }
        const content = b.kind === 'text' ? b.content : '';
        const calls = b.kind === 'tools' ? b.calls : [];
        if (body.stream === true) stream(res, content, calls); else whole(res, b.kind === 'tools' ? null : content, calls);
      };
      const delay = f.latencyMs + (b.kind === 'text' ? b.delayMs ?? 0 : 0);
      if (delay) setTimeout(answer, delay); else answer();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  f.url = `http://127.0.0.1:${port}/v1`;
  f.spec = `${f.url}#fake-model`;
  f.close = () => new Promise<void>((r) => { for (const h of hanging) h.destroy(); server.closeAllConnections(); server.close(() => r()); });
  return f;
}
