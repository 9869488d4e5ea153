/**
 * A deterministic model for tests and offline wiring: answers from a list (in order, cycling or failing when it runs
 * out) or from a function of the request. Not a language model; never the product's answer to "which model".
 */
import { EpoError } from '../core/errors.js';
import { estimateTokens, type ChatModel, type CompletionRequest, type CompletionResult } from './model.js';

export type Script = string[] | ((req: CompletionRequest, callIndex: number) => string | Promise<string>);

export interface ScriptedOptions {
  /** With a list: start again from the first answer when the list is used up (default: throw). */
  cycle?: boolean;
  /** Delay before answering, in milliseconds (for throughput benchmarks of the orchestration). */
  delayMs?: number;
  spec?: string;
}

export function scriptedModel(script: Script, opts: ScriptedOptions = {}): ChatModel & { calls: CompletionRequest[] } {
  const calls: CompletionRequest[] = [];
  const answer = async (req: CompletionRequest): Promise<string> => {
    const i = calls.length;
    calls.push(req);
    if (typeof script === 'function') return script(req, i);
    if (i >= script.length && !opts.cycle) {
      throw new EpoError('MODEL_OUTPUT', `scripted model has only ${script.length} answers; call ${i + 1} asked for more`);
    }
    return script[i % script.length];
  };
  return {
    spec: opts.spec ?? 'scripted',
    calls,
    async complete(req): Promise<CompletionResult> {
      if (opts.delayMs) await sleep(opts.delayMs, req.signal);
      let text = await answer(req);
      let finishReason = 'stop';
      for (const s of req.stop ?? []) {
        const k = text.indexOf(s);
        if (k >= 0) text = text.slice(0, k);
      }
      if (req.maxTokens !== undefined && estimateTokens(text) > req.maxTokens) {
        text = text.slice(0, req.maxTokens * 4);
        finishReason = 'length';
      }
      const prompt = req.messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      return { text, usage: { promptTokens: prompt, completionTokens: estimateTokens(text) }, finishReason, model: this.spec };
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}
