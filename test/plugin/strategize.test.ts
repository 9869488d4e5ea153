import { describe, expect, it } from 'vitest';
import { renderMessage, type AgentMessage } from '../../src/plugin/conversation.js';
import { injectStrategy } from '../../src/plugin/inject.js';
import { TASK_AGNOSTIC } from '../../src/plugin/prompt.js';
import { strategize, strategistInput } from '../../src/plugin/strategize.js';
import { scriptedModel } from '../../src/llm/scripted.js';

const agent: AgentMessage[] = [
  { role: 'system', content: 'You are a travel agent.' },
  { role: 'user', content: 'Book me a train to Lyon on Friday.' },
];
const afterTool: AgentMessage[] = [
  ...agent,
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search_trains', arguments: '{"to":"Lyon","day":"Fri"}' } }] },
  { role: 'tool', tool_call_id: 'c1', name: 'search_trains', content: '[{"id":"TGV 6601","dep":"08:04"}]' },
];

describe('renderMessage', () => {
  it('names the speaker, the text and each tool call', () => {
    expect(renderMessage(afterTool[2])).toBe('Agent: calls search_trains({"to":"Lyon","day":"Fri"})');
    expect(renderMessage(afterTool[3])).toBe('Tool result (search_trains): [{"id":"TGV 6601","dep":"08:04"}]');
    expect(renderMessage({ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url' }] })).toBe('User: look[image_url]');
  });
});

describe('strategize', () => {
  it('extends the strategist chat turn by turn with only the new messages', async () => {
    const strategist = scriptedModel(['Search trains first.', 'Pick the 08:04 TGV and confirm the fare.']);
    const first = await strategize(agent, { strategist });
    expect(first.input).toEqual([
      { role: 'system', content: TASK_AGNOSTIC.instructions },
      { role: 'user', content: TASK_AGNOSTIC.opening('Agent instructions: You are a travel agent.\n\nUser: Book me a train to Lyon on Friday.') },
    ]);
    expect(first.strategy).toBe('Search trains first.');
    const second = await strategize(afterTool, { strategist, state: first.state });
    expect(second.restarted).toBe(false);
    expect(second.input.slice(0, 3)).toEqual([...first.input, { role: 'assistant', content: 'Search trains first.' }]);
    expect(second.input[3]).toEqual({
      role: 'user',
      content: TASK_AGNOSTIC.update('Agent: calls search_trains({"to":"Lyon","day":"Fri"})\n\nTool result (search_trains): [{"id":"TGV 6601","dep":"08:04"}]'),
    });
    expect(second.state.chat.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['Search trains first.', 'Pick the 08:04 TGV and confirm the fare.']);
  });

  it('starts afresh when the agent rewrote its history', () => {
    const state = { chat: [{ role: 'system' as const, content: 'x' }, { role: 'assistant' as const, content: 'old' }], seen: ['User: Book me a bus'] };
    const r = strategistInput(agent, state);
    expect(r.restarted).toBe(true);
    expect(r.input).toHaveLength(2);
  });
});

describe('injectStrategy', () => {
  it('puts the strategy in the system message, the last user message, or an assistant prefix', () => {
    const s = 'Search first.';
    expect(injectStrategy(agent, s, 'system')[0].content).toBe('You are a travel agent.\n\nStrategy for your next step (from your planner): Search first.');
    expect(injectStrategy(agent, s, 'user')[1].content).toBe('Book me a train to Lyon on Friday.\n\nStrategy for your next step (from your planner): Search first.');
    const afterToolUser = injectStrategy(afterTool, s, 'user');
    expect(afterToolUser).toHaveLength(5);
    expect(afterToolUser[4]).toEqual({ role: 'user', content: 'Strategy for your next step (from your planner): Search first.' });
    expect(injectStrategy(agent, s, 'assistant-prefix').at(-1)).toEqual({ role: 'assistant', content: 'Thought: Search first.\n' });
    expect(injectStrategy([{ role: 'user', content: 'hi' }], s, 'system')[0].role).toBe('system');
    expect(agent[0].content).toBe('You are a travel agent.');
  });
});
