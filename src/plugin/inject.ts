/**
 * How a strategy reaches the agent's model: the request the agent sent, plus the strategy, in one of three places.
 * Everything else in the request (tools, tool results, response format, unknown fields) is left as it was.
 *
 *   system            appended to the agent's first system (or developer) message; a system message is added at the
 *                     top when there is none
 *   user              appended to the last message when it is the user's; otherwise a user message is added at the end
 *   assistant-prefix  an assistant message at the end that the model continues (servers that continue a final
 *                     assistant message: vLLM, SGLang, llama.cpp; the EPO reference's layout for ALFWorld and WebShop)
 */
import { contentText, type AgentMessage } from './conversation.js';

export const INJECT_MODES = ['system', 'user', 'assistant-prefix'] as const;
export type InjectMode = (typeof INJECT_MODES)[number];

/** The words around the strategy for the system and user places; the assistant prefix is the strategy alone. */
export const strategyNote = (strategy: string): string => `Strategy for your next step (from your planner): ${strategy}`;

const appendText = (m: AgentMessage, text: string): AgentMessage => {
  if (Array.isArray(m.content)) return { ...m, content: [...m.content, { type: 'text', text: `\n\n${text}` }] };
  const before = contentText(m.content);
  return { ...m, content: before ? `${before}\n\n${text}` : text };
};

/** A new list of messages holding the strategy; the input is not changed. */
export function injectStrategy(messages: AgentMessage[], strategy: string, mode: InjectMode): AgentMessage[] {
  const out = [...messages];
  if (mode === 'system') {
    const at = out.findIndex((m) => m.role === 'system' || m.role === 'developer');
    if (at < 0) return [{ role: 'system', content: strategyNote(strategy) }, ...out];
    out[at] = appendText(out[at], strategyNote(strategy));
    return out;
  }
  if (mode === 'user') {
    const last = out.length - 1;
    if (last >= 0 && out[last].role === 'user') out[last] = appendText(out[last], strategyNote(strategy));
    else out.push({ role: 'user', content: strategyNote(strategy) });
    return out;
  }
  out.push({ role: 'assistant', content: `Thought: ${strategy}\n` });
  return out;
}
