/**
 * An agent's conversation as OpenAI-compatible clients send it: any role, text or multi-part content, tool calls and
 * tool results. The proxy and the framework adapters see agents only through this shape; `renderMessage` turns one
 * message into the plain text the strategist reads.
 */

export interface ToolCall {
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

export type ContentPart = { type: string; text?: string; [key: string]: unknown };

export interface AgentMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function' | string;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [key: string]: unknown;
}

/** The text of a message's content; non-text parts (images, audio) are named, not dropped silently. */
export function contentText(content: AgentMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (typeof p.text === 'string' ? p.text : `[${p.type}]`)).join('');
}

const LABEL: Record<string, string> = {
  system: 'Agent instructions',
  developer: 'Agent instructions',
  user: 'User',
  assistant: 'Agent',
  tool: 'Tool result',
  function: 'Tool result',
};

/** One message as the strategist reads it: who spoke, what was said, which tools were called with what. */
export function renderMessage(m: AgentMessage): string {
  const label = LABEL[m.role] ?? m.role;
  const who = (m.role === 'tool' || m.role === 'function') && m.name ? `${label} (${m.name})` : label;
  const parts: string[] = [];
  const text = contentText(m.content).trim();
  if (text) parts.push(text);
  for (const call of m.tool_calls ?? []) parts.push(`calls ${call.function.name}(${call.function.arguments})`);
  return `${who}: ${parts.join('\n') || '(empty)'}`;
}

export const renderMessages = (messages: AgentMessage[]): string => messages.map(renderMessage).join('\n\n');
