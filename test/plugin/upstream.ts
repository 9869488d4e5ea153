/**
 * A real OpenAI-compatible upstream for the adapter tests: node:http on 127.0.0.1, `/v1/chat/completions` plain and
 * streaming (SSE, text and tool-call deltas), answering from a script and recording every request body as received.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolCallReply {
  id: string;
  name: string;
  arguments: string;
}

/** A text answer, or tool calls. */
export type Reply = { text: string } | { toolCalls: ToolCallReply[] };

export interface Upstream {
  baseURL: string;
  /** Every chat request body, parsed, in arrival order. */
  requests: Record<string, any>[];
  close(): Promise<void>;
}

const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

function completion(reply: Reply, model: string) {
  const message = 'text' in reply
    ? { role: 'assistant', content: reply.text }
    : { role: 'assistant', content: null, tool_calls: reply.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) };
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message, finish_reason: 'text' in reply ? 'stop' : 'tool_calls' }], usage };
}

/** The SSE chunks of a reply: text in two pieces, each tool call as a head then its arguments in two pieces. */
function chunks(reply: Reply, model: string): object[] {
  const chunk = (delta: object, finish: string | null = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out: object[] = [chunk({ role: 'assistant', content: '' })];
  if ('text' in reply) {
    const half = Math.ceil(reply.text.length / 2);
    out.push(chunk({ content: reply.text.slice(0, half) }), chunk({ content: reply.text.slice(half) }), chunk({}, 'stop'));
  } else {
    reply.toolCalls.forEach((c, index) => {
      const half = Math.ceil(c.arguments.length / 2);
      out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
      out.push(chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(0, half) } }] }));
      out.push(chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(half) } }] }));
    });
    out.push(chunk({}, 'tool_calls'));
  }
  out.push({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model, choices: [], usage });
  return out;
}

export async function startUpstream(script: (body: Record<string, any>, n: number) => Reply): Promise<Upstream> {
  const requests: Record<string, any>[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => { raw += d; });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const body = JSON.parse(raw) as Record<string, any>;
      requests.push(body);
      const reply = script(body, requests.length - 1);
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(reply, body.model)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const c of chunks(reply, body.model)) res.write(`data: ${JSON.stringify(c)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The train-booking agent both adapter tests drive: the strategies the strategist proposes, and the upstream's
 *  replies to the agent's tool loop (search, book, then answer). */
export const TRIP_STRATEGIES = ['Search trains first.', 'Book the 08:04 TGV.', 'Confirm the booking to the user.'];
export const tripScript = (_b: unknown, n: number): Reply => [
  { toolCalls: [{ id: 'call_1', name: 'search_trains', arguments: '{"to":"Lyon","day":"Fri"}' }] },
  { toolCalls: [{ id: 'call_2', name: 'book', arguments: '{"train":"TGV 6601"}' }] },
  { text: 'Booked: TGV 6601 at 08:04 on Friday.' },
][n] ?? { text: 'done' };
