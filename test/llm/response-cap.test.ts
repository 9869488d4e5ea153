/**
 * A model answer has a size cap: a huge answer is cut (and the call says so), a server that never stops sending is
 * dropped after a bounded number of bytes instead of filling the memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EpoError } from '../../src/core/errors.js';
import { createModel } from '../../src/llm/create.js';
import { DEFAULT_MAX_RESPONSE_CHARS, maxBodyBytes } from '../../src/llm/openai.js';
import { failure, recordingSleep } from './helpers.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ spec: (opts?: string) => string; sent: () => number }> {
  let sent = 0;
  server = createServer((req, res) => {
    const write = res.write.bind(res);
    res.write = ((chunk: string | Buffer, ...rest: never[]) => { sent += Buffer.byteLength(chunk); return write(chunk, ...rest); }) as typeof res.write;
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1#m`;
  return { spec: (opts) => (opts ? `${base}?${opts}` : base), sent: () => sent };
}

const completion = (content: string) => JSON.stringify({
  id: 'x', object: 'chat.completion', created: 0, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 5 },
});

/** Writes `piece` again and again until the client goes away. */
function flood(res: ServerResponse, piece: string): void {
  const more = () => { while (!res.destroyed && res.write(piece)); if (!res.destroyed) res.once('drain', more); };
  res.on('close', () => res.removeAllListeners('drain'));
  more();
}

describe('response size cap', () => {
  it('cuts an answer longer than max_response_chars and marks the call truncated', async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(completion('é'.repeat(5000))); });
    const r = await createModel(s.spec('max_response_chars=1000')).complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(r.text).toBe('é'.repeat(1000));
    expect(r).toMatchObject({ truncated: true, finishReason: 'length' });
    const whole = await createModel(s.spec('max_response_chars=5000')).complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.text).toHaveLength(5000);
    expect(whole.truncated).toBeUndefined();
    expect(whole.finishReason).toBe('stop');
  });

  it('keeps 1 MiB of text by default', async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(completion('a'.repeat(DEFAULT_MAX_RESPONSE_CHARS + 10))); });
    const r = await createModel(s.spec()).complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(r.text).toHaveLength(DEFAULT_MAX_RESPONSE_CHARS);
    expect(r.truncated).toBe(true);
  });

  it('drops a server whose JSON answer never ends after a bounded number of bytes, without retrying', async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"choices":[{"message":{"content":"'); flood(res, 'x'.repeat(65536)); });
    const sleep = recordingSleep();
    const e = await failure(createModel(s.spec('max_response_chars=1000'), { retry: { sleep: sleep.sleep } }).complete({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(e).toMatchObject({ code: 'MODEL_OUTPUT' });
    expect((e as EpoError).message).toMatch(new RegExp(`the answer is over ${maxBodyBytes(1000)} bytes`));
    expect(sleep.sleeps).toEqual([]); // not worth another attempt
    expect(s.sent()).toBeLessThan(maxBodyBytes(1000) + 64 * 65536); // what the socket buffers took before the drop
  });

  it('ends a streamed answer that never stops at the cap', async () => {
    const chunk = `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: 'word ' }, finish_reason: null }] })}\n\n`;
    const s = await serve((_q, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); flood(res, chunk.repeat(100)); });
    const model = createModel(s.spec('max_response_chars=1000'));
    let text = '';
    for await (const piece of model.stream!({ messages: [{ role: 'user', content: 'hi' }] })) text += piece;
    expect(text).toBe('word '.repeat(200));
  });

  it('drops a stream that sends bytes without ever ending an event', async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); flood(res, 'x'.repeat(65536)); });
    const model = createModel(s.spec('max_response_chars=1000'), { retry: false });
    const read = async () => { for await (const _ of model.stream!({ messages: [{ role: 'user', content: 'hi' }] })) { /* nothing */ } };
    expect(await failure(read())).toMatchObject({ code: 'MODEL_OUTPUT', message: expect.stringContaining(`over ${maxBodyBytes(1000)} bytes`) });
  });
});
