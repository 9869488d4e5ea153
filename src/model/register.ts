/**
 * Plug the built-in model into `createModel` for `local:<dir>` specs. The model code (and TensorFlow.js) loads only
 * when a local model is first called, so commands that never use one start fast.
 */
import type { ChatModel } from '../llm/model.js';
import { registerBackend } from '../llm/create.js';

export function localBackend(spec: string): ChatModel {
  let model: Promise<ChatModel> | undefined;
  const get = () => (model ??= import('./chat-model.js').then((m) => m.createLocalChatModel(spec)));
  return {
    spec,
    complete: async (req) => (await get()).complete(req),
    stream: async function* (req) { yield* (await get()).stream!(req); },
    close: async () => { if (model) await (await model).close?.(); },
    ready: async () => { await (await get()).ready?.(); },
  };
}

export function registerLocalBackend(): void {
  registerBackend('local', (_s, spec) => localBackend(spec));
}
