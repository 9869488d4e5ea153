/**
 * The upstream's answer as the proxy records it: the text and tool calls of the first choice, from a whole
 * response or accumulated from server-sent-event chunks as they pass through. Only choice 0 is recorded (with
 * `n` > 1 the agent picks one; which one is its business, and the next request shows it).
 */
import { renderMessage, type AgentMessage, type ToolCall } from '../conversation.js';

export interface Answer {
  content: string;
  toolCalls: ToolCall[];
  finishReason?: string;
  usage?: { promptTokens: number; completionTokens: number };
}

interface WireUsage { prompt_tokens?: number; completion_tokens?: number }
const usageOf = (u: WireUsage | undefined) =>
  u && typeof u.prompt_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens ?? 0 } : undefined;

/** The answer of a whole (non-streamed) chat completion body; undefined when it is not one. */
export function answerOfBody(body: unknown): Answer | undefined {
  const b = body as { choices?: { message?: AgentMessage; finish_reason?: string }[]; usage?: WireUsage } | null;
  const choice = b?.choices?.[0];
  if (!choice?.message) return undefined;
  const m = choice.message;
  return {
    content: typeof m.content === 'string' ? m.content : '',
    toolCalls: (m.tool_calls ?? []).map((c) => ({ id: c.id, type: c.type ?? 'function', function: { name: c.function?.name ?? '', arguments: c.function?.arguments ?? '' } })),
    finishReason: choice.finish_reason ?? undefined,
    usage: usageOf(b?.usage),
  };
}

interface DeltaToolCall { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }

/**
 * Reads an event stream chunk by chunk (chunks may split lines anywhere) and builds the answer of choice 0: content
 * deltas appended, tool-call deltas merged by their index (id and name arrive first, arguments in pieces).
 */
export class StreamAccumulator {
  private rest = '';
  private content = '';
  private readonly calls: ToolCall[] = [];
  private finish?: string;
  private usage?: Answer['usage'];

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line.replace(/\r$/, ''));
  }

  private line(line: string): void {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (!data || data === '[DONE]') return;
    let event: { choices?: { index?: number; delta?: { content?: string | null; tool_calls?: DeltaToolCall[] }; finish_reason?: string | null }[]; usage?: WireUsage };
    try { event = JSON.parse(data) as typeof event; } catch { return; }
    this.usage = usageOf(event.usage) ?? this.usage;
    for (const c of event.choices ?? []) {
      if ((c.index ?? 0) !== 0) continue;
      if (typeof c.delta?.content === 'string') this.content += c.delta.content;
      for (const d of c.delta?.tool_calls ?? []) {
        const at = d.index ?? this.calls.length;
        const call = (this.calls[at] ??= { id: undefined, type: 'function', function: { name: '', arguments: '' } });
        if (d.id) call.id = d.id;
        if (d.type) call.type = d.type;
        if (d.function?.name) call.function.name += d.function.name;
        if (d.function?.arguments) call.function.arguments += d.function.arguments;
      }
      if (c.finish_reason) this.finish = c.finish_reason;
    }
  }

  answer(): Answer {
    if (this.rest) { this.line(this.rest); this.rest = ''; }
    return { content: this.content, toolCalls: this.calls.filter(Boolean), finishReason: this.finish, usage: this.usage };
  }
}

/** The answer as the assistant message the agent will send back in its next request. */
export const answerMessage = (a: Answer): AgentMessage =>
  ({ role: 'assistant', content: a.content, ...(a.toolCalls.length ? { tool_calls: a.toolCalls } : {}) });

/** The answer as recorded text: what the agent said and which tools it called with what. */
export function renderAnswer(a: Answer): string {
  const parts: string[] = [];
  if (a.content.trim()) parts.push(a.content.trim());
  for (const c of a.toolCalls) parts.push(`calls ${c.function.name}(${c.function.arguments})`);
  return parts.join('\n');
}

/** Key text of a message for matching conversations: what the strategist reads of it. */
export const messageKey = renderMessage;
