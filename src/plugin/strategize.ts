/**
 * The strategist for any agent: from the agent's conversation so far, the strategy for its next step. Shared by the
 * proxy and the framework adapters.
 *
 * The strategist's chat grows turn by turn (the contract of src/core/episode.ts): the first call sends the
 * instructions and the conversation so far; each later call sends the previous chat, the previous strategy as the
 * assistant's answer, and only the messages the agent added since. So a session stored call by call rebuilds into
 * one multi-turn chat for labelling and training. When the agent's conversation no longer extends what the
 * strategist saw (the agent rewrote its history), the strategist starts afresh.
 */
import { assistant, user, type ChatMessage } from '../core/messages.js';
import type { ChatModel, CompletionResult } from '../llm/model.js';
import { renderMessage, renderMessages, type AgentMessage } from './conversation.js';
import { openingChat, TASK_AGNOSTIC, type StrategistPrompt } from './prompt.js';

/** What the strategist has seen of one agent conversation. */
export interface StrategistState {
  /** The strategist's chat up to and including its last strategy (as an assistant message). */
  chat: ChatMessage[];
  /** The agent messages already shown, rendered, to check that the conversation extends them. */
  seen: string[];
}

export interface StrategizeOptions {
  strategist: ChatModel;
  /** What the strategist saw of this conversation before; absent for the first turn. */
  state?: StrategistState;
  prompt?: StrategistPrompt;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface Strategizing {
  strategy: string;
  /** The exact chat sent to the strategist this turn. */
  input: ChatMessage[];
  /** The state after this turn: pass it to the next call of the same conversation. */
  state: StrategistState;
  result: CompletionResult;
  /** True when the earlier state did not fit this conversation and the strategist started afresh. */
  restarted: boolean;
}

/** Whether `conversation` begins with exactly the messages the strategist has seen. */
export function extendsSeen(seen: string[], conversation: AgentMessage[]): boolean {
  if (seen.length > conversation.length) return false;
  return seen.every((s, i) => s === renderMessage(conversation[i]));
}

/** The chat to send this turn, and the rendered messages it covers; pure. */
export function strategistInput(conversation: AgentMessage[], state: StrategistState | undefined, prompt: StrategistPrompt = TASK_AGNOSTIC):
  { input: ChatMessage[]; seen: string[]; restarted: boolean } {
  const rendered = conversation.map(renderMessage);
  const fits = state !== undefined && state.chat.length > 0 && extendsSeen(state.seen, conversation);
  if (!fits) return { input: openingChat(prompt, rendered.join('\n\n') || '(nothing yet)'), seen: rendered, restarted: state !== undefined };
  const fresh = conversation.slice(state.seen.length);
  const update = prompt.update(fresh.length ? renderMessages(fresh) : '(nothing new)');
  return { input: [...state.chat, user(update)], seen: rendered, restarted: false };
}

export async function strategize(conversation: AgentMessage[], options: StrategizeOptions): Promise<Strategizing> {
  const { input, seen, restarted } = strategistInput(conversation, options.state, options.prompt);
  const result = await options.strategist.complete({
    messages: input,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    seed: options.seed,
    signal: options.signal,
  });
  const strategy = result.text.trim();
  return { strategy, input, state: { chat: [...input, assistant(result.text)], seen }, result, restarted };
}
