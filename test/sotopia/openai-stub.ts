/**
 * A minimal OpenAI-compatible HTTP server over any ChatModel (POST /v1/chat/completions, non-streaming), for testing
 * the HTTP path end to end. Temporary until the shared `src/serve/openai-server.ts` lands.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatModel, CompletionRequest } from '../../src/llm/model.js';

export interface StubServer {
  url: string;
  requests: { model: string; responseFormat?: unknown }[];
  close(): Promise<void>;
}

const body = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  let s = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { s += c; });
  req.on('end', () => resolve(s));
  req.on('error', reject);
});

export async function startStubServer(model: ChatModel): Promise<StubServer> {
  const requests: StubServer['requests'] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) { res.writeHead(404).end('{}'); return; }
    const b = JSON.parse(await body(req));
    requests.push({ model: b.model, responseFormat: b.response_format });
    const r: CompletionRequest = {
      messages: b.messages, temperature: b.temperature, maxTokens: b.max_tokens, seed: b.seed,
      ...(b.response_format?.json_schema ? { jsonSchema: { name: b.response_format.json_schema.name, schema: b.response_format.json_schema.schema } } : {}),
    };
    const out = await model.complete(r);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      id: `cmpl-${requests.length}`, object: 'chat.completion', created: 0, model: b.model,
      choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: out.finishReason }],
      usage: { prompt_tokens: out.usage.promptTokens, completion_tokens: out.usage.completionTokens, total_tokens: out.usage.promptTokens + out.usage.completionTokens },
    }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
