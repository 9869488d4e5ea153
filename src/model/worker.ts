/**
 * A worker thread that serves one checkpoint (the other half of worker-pool.ts). TensorFlow.js's wasm backend runs
 * on one thread under Node, so a second worker is how the built-in model uses a second core.
 * Messages in: { id, req } (a CompletionRequest without its signal; the seed is always set) or { id, abort: true }.
 * Messages out: { id, result } or { id, error: { code, message } } (the message already names where).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EpoError } from '../core/errors.js';
import type { CompletionRequest } from '../llm/model.js';
import { loadLocalChatModel, type LocalModelOptions } from './chat-model.js';

const { dir, opts, spec } = workerData as { dir: string; opts: LocalModelOptions; spec: string };
const model = loadLocalChatModel(dir, opts, spec);
const aborts = new Map<number, AbortController>();

parentPort!.on('message', (m: { id: number; req?: CompletionRequest; abort?: true }) => {
  if (m.abort) { aborts.get(m.id)?.abort(); return; }
  const ctrl = new AbortController();
  aborts.set(m.id, ctrl);
  model.then((cm) => cm.complete({ ...m.req!, signal: ctrl.signal }))
    .then((result) => parentPort!.postMessage({ id: m.id, result }))
    .catch((e: unknown) => {
      const err = e instanceof EpoError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
      parentPort!.postMessage({ id: m.id, error: err });
    })
    .finally(() => aborts.delete(m.id));
});
