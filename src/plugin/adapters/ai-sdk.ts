/**
 * The strategist as Vercel AI SDK middleware (`import { epoStrategist } from 'epo/ai-sdk'`):
 *
 *   const model = wrapLanguageModel({ model: provider('qwen'), middleware: epoStrategist({ strategist: 'local:./ckpt' }) });
 *
 * Before each model call (`generateText`, `streamText`, every step of a tool loop) the strategist reads the prompt
 * and its strategy is placed in the prompt in the SDK's own shape; tools, tool choice, response format, provider
 * options and every other setting pass untouched. Only types are imported from `ai`, so this file loads without it.
 */
import type { LanguageModelMiddleware } from 'ai';
import type { CompletionUsage } from '../../llm/model.js';
import type { AgentMessage, ContentPart } from '../conversation.js';
import { appendNote, placeStrategy, type Placement } from '../placement.js';
import { Guide, type Advice, type StrategistOptions } from './guide.js';

type CallOptions = Parameters<NonNullable<LanguageModelMiddleware['transformParams']>>[0]['params'];
type Prompt = CallOptions['prompt'];
type PromptMessage = Prompt[number];
type GenerateResult = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapGenerate']>>>;
type StreamPart = Awaited<ReturnType<NonNullable<LanguageModelMiddleware['wrapStream']>>>['stream'] extends ReadableStream<infer P> ? P : never;
type Usage = GenerateResult['usage'];

export interface EpoStrategistOptions extends StrategistOptions {
  /**
   * The session of a call: a fixed id, or a function of the call's settings (e.g. reading a header or provider
   * option you set). Without one a call joins the session whose conversation it extends, or starts a new one.
   */
  session?: string | ((params: CallOptions) => string | undefined);
}

/** A tool result's output as the text the strategist reads (the same JSON the OpenAI-compatible providers send). */
function outputText(output: unknown): string {
  const o = output as { type: string; value?: unknown; reason?: string };
  if (o.type === 'text' || o.type === 'error-text') return String(o.value);
  if (o.type === 'json' || o.type === 'error-json') return JSON.stringify(o.value);
  if (o.type === 'execution-denied') return `execution denied${o.reason ? `: ${o.reason}` : ''}`;
  if (o.type === 'content' && Array.isArray(o.value)) return o.value.map((p: { type: string; text?: string }) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('');
  return `[${o.type}]`;
}

const parts = (content: { type: string; text?: string; mediaType?: string }[]): ContentPart[] =>
  content.filter((p) => p.type === 'text' || p.type === 'file').map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : { type: 'file', mediaType: p.mediaType }));

/** The AI SDK prompt as the agent's conversation; one message per prompt message (tool messages: one per result). */
export function promptToConversation(prompt: Prompt): AgentMessage[] {
  return prompt.flatMap((m): AgentMessage[] => {
    if (m.role === 'system') return [{ role: 'system', content: m.content }];
    if (m.role === 'user') return [{ role: 'user', content: parts(m.content) }];
    if (m.role === 'assistant') {
      const calls = m.content.flatMap((p) => (p.type === 'tool-call'
        ? [{ id: p.toolCallId, type: 'function', function: { name: p.toolName, arguments: typeof p.input === 'string' ? p.input : JSON.stringify(p.input) } }] : []));
      const results = m.content.flatMap((p) => (p.type === 'tool-result' ? [{ role: 'tool', tool_call_id: p.toolCallId, name: p.toolName, content: outputText(p.output) }] : []));
      return [{ role: 'assistant', content: parts(m.content), ...(calls.length ? { tool_calls: calls } : {}) }, ...results];
    }
    return m.content.flatMap((p) => (p.type === 'tool-result' ? [{ role: 'tool', tool_call_id: p.toolCallId, name: p.toolName, content: outputText(p.output) }] : []));
  });
}

/** Where each conversation message came from in the prompt (tool messages expand to one per result). */
const promptIndexes = (prompt: Prompt): number[] => prompt.flatMap((m, i) => promptToConversation([m]).map(() => i));

function appendToMessage(m: PromptMessage, note: string): PromptMessage {
  if (m.role === 'system') return { ...m, content: appendNote(m.content, note) };
  // as injectStrategy on the OpenAI message the provider sends: one text part is string content, more are parts
  const content = [...m.content] as { type: string; text?: string }[];
  if (content.length === 1 && content[0].type === 'text') content[0] = { ...content[0], text: appendNote(content[0].text ?? '', note) };
  else content.push({ type: 'text', text: `\n\n${note}` });
  return { ...m, content } as PromptMessage;
}

const newMessage = (role: 'system' | 'user' | 'assistant', text: string): PromptMessage =>
  (role === 'system' ? { role, content: text } : { role, content: [{ type: 'text', text }] });

/** A new prompt with the strategy placed; the input is not changed. */
export function placeInPrompt(prompt: Prompt, placement: Placement): Prompt {
  const out = [...prompt];
  if (placement.op === 'insert') out.splice(placement.index, 0, newMessage(placement.role, placement.text));
  else out[placement.index] = appendToMessage(out[placement.index], placement.text);
  return out;
}

/** The strategy placed in the prompt, deciding on the conversation's roles (as `injectStrategy` would). */
export function injectIntoPrompt(prompt: Prompt, strategy: string, mode: Parameters<typeof placeStrategy>[2]): Prompt {
  const conversation = promptToConversation(prompt);
  const p = placeStrategy(conversation.map((m) => m.role), strategy, mode);
  const at = promptIndexes(prompt);
  if (p.op === 'append') return placeInPrompt(prompt, { ...p, index: at[p.index] });
  return placeInPrompt(prompt, { ...p, index: p.index >= conversation.length ? prompt.length : at[p.index] });
}

const usageOf = (u: Usage | undefined): CompletionUsage | undefined =>
  (u ? { promptTokens: u.inputTokens?.total ?? 0, completionTokens: u.outputTokens?.total ?? 0 } : undefined);

/** The model's answer as an assistant message: its text and tool calls. */
function answerOf(text: string, calls: { toolCallId: string; toolName: string; input: string }[]): AgentMessage {
  return {
    role: 'assistant', content: text,
    ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.toolCallId, type: 'function', function: { name: c.toolName, arguments: c.input } })) } : {}),
  };
}

export function epoStrategist(options: EpoStrategistOptions): LanguageModelMiddleware {
  const guide = new Guide(options);
  // transformParams hands wrapGenerate/wrapStream the very params object it returned: the advice travels with it
  const advised = new WeakMap<CallOptions, Advice>();
  const actorName = (model: { provider: string; modelId: string }) => `${model.provider}:${model.modelId}`;
  const record = (params: CallOptions, model: { provider: string; modelId: string }, answer: AgentMessage, usage?: CompletionUsage) => {
    const advice = advised.get(params);
    if (advice) guide.answered(advice, promptToConversation(params.prompt), answer, actorName(model), usage);
  };
  return {
    specificationVersion: 'v3',
    async transformParams({ params }) {
      const named = typeof options.session === 'function' ? options.session(params) : options.session;
      const advice = await guide.advise(promptToConversation(params.prompt), named, params.abortSignal);
      const out = advice.strategy === undefined ? { ...params } : { ...params, prompt: injectIntoPrompt(params.prompt, advice.strategy, guide.inject) };
      advised.set(out, advice);
      return out;
    },
    async wrapGenerate({ doGenerate, params, model }) {
      const result = await doGenerate();
      const text = result.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('');
      const calls = result.content.flatMap((c) => (c.type === 'tool-call' ? [c] : []));
      record(params, model, answerOf(text, calls), usageOf(result.usage));
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const { stream, ...rest } = await doStream();
      let text = '';
      const calls: { toolCallId: string; toolName: string; input: string }[] = [];
      let usage: CompletionUsage | undefined;
      const watch = new TransformStream<StreamPart, StreamPart>({
        transform(part, controller) {
          if (part.type === 'text-delta') text += part.delta;
          else if (part.type === 'tool-call') calls.push(part);
          else if (part.type === 'finish') usage = usageOf(part.usage);
          controller.enqueue(part);
        },
        flush() {
          record(params, model, answerOf(text, calls), usage);
        },
      });
      return { stream: stream.pipeThrough(watch), ...rest };
    },
  };
}

export type { StrategyRecord, StrategistOptions } from './guide.js';
