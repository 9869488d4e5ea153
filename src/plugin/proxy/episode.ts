/**
 * A proxy session as an Episode (env `proxy`): one turn per request the agent sent, with the strategist's exact chat
 * (`strategist`), the request as forwarded (`actor`, rendered), the answer (`action`) and what the agent sent back
 * next (`observation`). Pure: the session table calls these as requests come and go.
 */
import type { Call, Episode, ModelRef, Outcome, Turn } from '../../core/episode.js';
import type { ChatMessage } from '../../core/messages.js';
import { contentText, renderMessage, renderMessages, type AgentMessage } from '../conversation.js';
import type { Strategizing } from '../strategize.js';
import { renderAnswer, type Answer } from './answer.js';
import { lastAssistant } from './session-key.js';
import type { Arm } from './strategists.js';

export const PROXY_ENV = 'proxy';

/** The forwarded messages as the store's chat messages: roles it knows, content as the strategist would read it. */
export function asChatMessages(messages: AgentMessage[]): ChatMessage[] {
  return messages.map((m) => {
    const role = m.role === 'system' || m.role === 'developer' ? 'system' : m.role === 'assistant' ? 'assistant' : 'user';
    const plain = role !== 'user' || m.role === 'user';
    const text = plain && !m.tool_calls?.length ? contentText(m.content) : renderMessage(m);
    return { role, content: text };
  });
}

/** What the agent sent after the previous answer: the messages after its last assistant message. */
export function observationOf(messages: AgentMessage[]): string {
  return renderMessages(messages.slice(lastAssistant(messages) + 1));
}

/** The user's goal as the first user message says it (the session's task). */
export function firstUserText(messages: AgentMessage[]): string {
  const m = messages.find((x) => x.role === 'user');
  return m ? contentText(m.content) : '';
}

export interface TurnInput {
  index: number;
  strategizing?: Strategizing;
  strategistMs?: number;
  strategistSpec?: string;
  strategistError?: string;
  forwarded: AgentMessage[];
  answer: Answer;
  upstreamMs: number;
  stream: boolean;
}

export function proxyTurn(t: TurnInput): Turn {
  const s = t.strategizing;
  const strategist: Call | undefined = s && {
    input: s.input, output: s.result.text, usage: s.result.usage, ms: t.strategistMs, ...(s.result.finishReason === 'length' ? { truncated: true } : {}),
  };
  const action = renderAnswer(t.answer);
  const actor: Call = { input: asChatMessages(t.forwarded), output: action, ...(t.answer.usage ? { usage: t.answer.usage } : {}), ms: t.upstreamMs };
  const info: Record<string, unknown> = { stream: t.stream };
  if (t.strategistSpec) info.strategist = t.strategistSpec;
  if (t.strategistError) info.strategistError = t.strategistError;
  if (s?.restarted) info.strategistRestarted = true;
  if (t.answer.finishReason) info.finishReason = t.answer.finishReason;
  if (t.answer.toolCalls.length) info.toolCalls = t.answer.toolCalls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
  return { index: t.index, ...(strategist ? { strategist } : {}), actor, action, observation: '', reward: 0, done: false, info };
}

export interface SessionRecord {
  sessionId: string;
  trial: number;
  run: string;
  seed: number;
  arm: Arm;
  models: Record<string, ModelRef>;
  codeVersion: string;
  goal: string;
  initialObservation: string;
  turns: Turn[];
  startedAt: string;
}

/** The finished episode; the last turn is marked done and carries the outcome reward. */
export function sessionEpisode(r: SessionRecord, outcome: Outcome, finishedAt: string): Episode {
  const turns = r.turns.map((t, i) => (i === r.turns.length - 1 ? { ...t, done: true, reward: outcome.reward } : t));
  return {
    id: `${r.sessionId}#${r.trial}`, run: r.run, env: PROXY_ENV, taskId: r.sessionId, trial: r.trial, seed: r.seed,
    models: r.models, codeVersion: r.codeVersion, task: { goal: r.goal, arm: r.arm, session: r.sessionId },
    initialObservation: r.initialObservation, turns, outcome, startedAt: r.startedAt, finishedAt,
  };
}
