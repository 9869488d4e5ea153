/**
 * A worker thread that serves one checkpoint (the other half of worker-pool.ts). TensorFlow.js's wasm backend runs
 * on one thread under Node, so a second worker is how the built-in model uses a second core.
 * Messages in: { id, req } (a CompletionRequest without its signal; the seed is always set), { id, abort: true }, or
 * { id, ready: true } (answered once the checkpoint is loaded).
 * Messages out: { id, result } or { id, error: { code, message } } (the message already names where).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EpoError } from '../core/errors.js';
import type { CompletionRequest } from '../llm/model.js';
import { loadLocalChatModel, type LocalModelOptions } from './chat-model.js';

const { dir, opts, spec } = workerData as { dir: string; opts: LocalModelOptions; spec: string };
const model = loadLocalChatModel(dir, opts, spec);
// A checkpoint that cannot load is reported to each request (and to `ready`), not left to end the thread unheard.
model.catch(() => undefined);
const aborts = new Map<number, AbortController>();

const fail = (id: number) => (e: unknown) => {
  const err = e instanceof EpoError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
  parentPort!.postMessage({ id, error: err });
};

parentPort!.on('message', (m: { id: number; req?: CompletionRequest; abort?: true; ready?: true }) => {
  if (m.abort) { aborts.get(m.id)?.abort(); return; }
  if (m.ready) { model.then(() => parentPort!.postMessage({ id: m.id, result: null }), fail(m.id)); return; }
  const ctrl = new AbortController();
  aborts.set(m.id, ctrl);
  model.then((cm) => cm.complete({ ...m.req!, signal: ctrl.signal }))
    .then((result) => parentPort!.postMessage({ id: m.id, result }))
    .catch(fail(m.id))
    .finally(() => aborts.delete(m.id));
});
