/**
 * Named scripted models for `scripted:<name>` specs: deterministic stand-ins for smoke tests and offline wiring
 * (`epo serve --model scripted:echo`). Other layers add their own names with registerScriptedModel.
 */
import { EpoError } from '../core/errors.js';
import { estimateTokens, type ChatModel, type CompletionRequest, type CompletionResult } from './model.js';
import { sleep } from './retry.js';

export type ScriptedFactory = (options: Record<string, string>, spec: string) => ChatModel;

const named = new Map<string, ScriptedFactory>();

export function registerScriptedModel(name: string, factory: ScriptedFactory): void {
  named.set(name, factory);
}

export function scriptedModelNames(): string[] {
  return [...named.keys()].sort();
}

export function createScriptedModel(name: string, options: Record<string, string>, spec: string): ChatModel {
  const factory = named.get(name);
  if (!factory) {
    throw new EpoError('BAD_SPEC', `no scripted model named "${name}" (known: ${scriptedModelNames().join(', ') || 'none'})`, { where: `model spec ${spec}` });
  }
  return factory(options, spec);
}

/** The text of the last user message, cut at the first stop string and to maxTokens (≈ 4 characters each). */
function echoAnswer(req: CompletionRequest): { text: string; finishReason: string } {
  let text = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  for (const s of req.stop ?? []) {
    const k = text.indexOf(s);
    if (k >= 0) text = text.slice(0, k);
  }
  if (req.maxTokens !== undefined && estimateTokens(text) > req.maxTokens) return { text: text.slice(0, req.maxTokens * 4), finishReason: 'length' };
  return { text, finishReason: 'stop' };
}

/** `scripted:echo[?delay_ms=N]`: answers with the last user message; streams it word by word. */
export function echoModel(spec = 'scripted:echo', delayMs = 0): ChatModel {
  return {
    spec,
    async complete(req): Promise<CompletionResult> {
      if (delayMs) await sleep(delayMs, req.signal);
      const { text, finishReason } = echoAnswer(req);
      const prompt = req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      return { text, usage: { promptTokens: prompt, completionTokens: estimateTokens(text) }, finishReason, model: 'echo' };
    },
    async *stream(req) {
      if (delayMs) await sleep(delayMs, req.signal);
      for (const piece of echoAnswer(req).text.match(/\s*\S+\s*/g) ?? []) yield piece;
    },
  };
}

/** `scripted:echo[?delay_ms=D]`: answers with the last user message (registered in src/builtins.ts). */
export const echoFactory: ScriptedFactory = (options, spec) => {
  const delay = options.delay_ms === undefined ? 0 : Number(options.delay_ms);
  if (!(delay >= 0)) throw new EpoError('BAD_SPEC', `delay_ms must be a non-negative number, got "${options.delay_ms}"`, { where: `model spec ${spec}` });
  return echoModel(spec, delay);
};
