/**
 * How a strategy reaches the agent's model on OpenAI messages: the request the agent sent, plus the strategy where
 * `placeStrategy` (placement.ts) puts it. Everything else in the request (tools, tool results, response format,
 * unknown fields) is left as it was.
 */
import { contentText, type AgentMessage } from './conversation.js';
import { appendNote, placeStrategy, type InjectMode } from './placement.js';

export { INJECT_MODES, strategyNote, type InjectMode } from './placement.js';

const appendText = (m: AgentMessage, text: string): AgentMessage => {
  if (Array.isArray(m.content)) return { ...m, content: [...m.content, { type: 'text', text: `\n\n${text}` }] };
  return { ...m, content: appendNote(contentText(m.content), text) };
};

/** A new list of messages holding the strategy; the input is not changed. */
export function injectStrategy(messages: AgentMessage[], strategy: string, mode: InjectMode): AgentMessage[] {
  const p = placeStrategy(messages.map((m) => m.role), strategy, mode);
  const out = [...messages];
  if (p.op === 'append') out[p.index] = appendText(out[p.index], p.text);
  else out.splice(p.index, 0, { role: p.role, content: p.text });
  return out;
}
