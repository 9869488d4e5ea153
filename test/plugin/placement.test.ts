/**
 * The adapters place the strategy in their own message shapes; for any conversation and each mode the result must
 * read exactly as `injectStrategy` (the proxy's rule) on the same conversation.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { injectIntoPrompt, promptToConversation } from '../../src/plugin/adapters/ai-sdk.js';
import { messagesToConversation, placeInMessages } from '../../src/plugin/adapters/langchain.js';
import { renderMessage, type AgentMessage } from '../../src/plugin/conversation.js';
import { INJECT_MODES, injectStrategy } from '../../src/plugin/inject.js';
import { appendNote, placeStrategy } from '../../src/plugin/placement.js';
import { RUNS } from '../properties/arbitraries.js';

const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }));
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'developer', 'user', 'assistant'), content: text }),
  fc.record({ role: fc.constant('tool'), content: text, tool_call_id: fc.constant('c1'), name: fc.constant('f') }),
) as fc.Arbitrary<AgentMessage>;
const conversation = fc.array(message, { maxLength: 6 });
const mode = fc.constantFrom(...INJECT_MODES);
const strategy = fc.string({ minLength: 1, maxLength: 12 });

/** The placement applied to OpenAI messages with string content. */
function apply(messages: AgentMessage[], s: string, m: (typeof INJECT_MODES)[number]): AgentMessage[] {
  const p = placeStrategy(messages.map((x) => x.role), s, m);
  const out = [...messages];
  if (p.op === 'insert') out.splice(p.index, 0, { role: p.role, content: p.text });
  else out[p.index] = { ...out[p.index], content: appendNote(String(out[p.index].content), p.text) };
  return out;
}

const toLangChain = (m: AgentMessage): BaseMessage => {
  const content = String(m.content);
  if (m.role === 'system') return new SystemMessage(content);
  if (m.role === 'user') return new HumanMessage(content);
  if (m.role === 'assistant') return new AIMessage(content);
  return new ToolMessage({ content, tool_call_id: 'c1', name: 'f' });
};

const toPrompt = (m: AgentMessage): any => {
  const content = String(m.content);
  if (m.role === 'system') return { role: 'system', content };
  if (m.role === 'user' || m.role === 'assistant') return { role: m.role, content: [{ type: 'text', text: content }] };
  return { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'f', output: { type: 'text', value: content } }] };
};

describe('strategy placement', () => {
  it('is injectStrategy, on OpenAI messages', () => {
    fc.assert(fc.property(conversation, strategy, mode, (c, s, m) => {
      expect(apply(c, s, m)).toEqual(injectStrategy(c, s, m));
    }), RUNS);
  });

  it('reads as injectStrategy through the LangChain and AI SDK shapes', () => {
    const withoutDeveloper = conversation.map((c) => c.map((x) => (x.role === 'developer' ? { ...x, role: 'system' } : x)));
    fc.assert(fc.property(withoutDeveloper, strategy, mode, (c, s, m) => {
      const lc = c.map(toLangChain);
      const placed = placeInMessages(lc, placeStrategy(messagesToConversation(lc).map((x) => x.role), s, m));
      expect(messagesToConversation(placed).map(renderMessage)).toEqual(injectStrategy(messagesToConversation(lc), s, m).map(renderMessage));
      const prompt = c.map(toPrompt);
      expect(promptToConversation(injectIntoPrompt(prompt, s, m)).map(renderMessage)).toEqual(injectStrategy(promptToConversation(prompt), s, m).map(renderMessage));
    }), RUNS);
  });

  it('worked example: a conversation ending in a tool result gets a user message in user mode', () => {
    expect(placeStrategy(['system', 'user', 'assistant', 'tool'], 'Go.', 'user')).toEqual({ op: 'insert', index: 4, role: 'user', text: 'Strategy for your next step (from your planner): Go.' });
    expect(placeStrategy(['user'], 'Go.', 'system')).toEqual({ op: 'insert', index: 0, role: 'system', text: 'Strategy for your next step (from your planner): Go.' });
    expect(placeStrategy(['developer', 'user'], 'Go.', 'assistant-prefix')).toEqual({ op: 'insert', index: 2, role: 'assistant', text: 'Thought: Go.\n' });
  });
});
