/**
 * A proxy session as an Episode (env `proxy`): one turn per request the agent sent, with the strategist's exact chat
 * (`strategist`), the request as forwarded (`actor`, rendered), the answer (`action`) and what the agent sent back
 * next (`observation`): the shape of src/plugin/session-episode.ts, whose message rules it shares, so proxy and
 * adapter sessions label and train alike. Pure: the session table calls these as requests come and go.
 */
import type { Call, Episode, ModelRef, Outcome, Turn } from '../../core/episode.js';
import { renderMessages, type AgentMessage } from '../conversation.js';
import { addedSince, asChatMessage, PLUGIN_ENV } from '../session-episode.js';
import type { Strategizing } from '../strategize.js';
import { renderAnswer, type Answer } from './answer.js';
import type { Arm } from './strategists.js';

/** Proxy runs are plug-in runs: one environment name for sessions from the proxy and the adapters. */
export const PROXY_ENV = PLUGIN_ENV;

/** What the agent sent after the previous answer: the messages after its last assistant message. */
export const observationOf = (messages: AgentMessage[]): string => renderMessages(addedSince(messages));

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
  const actor: Call = { input: t.forwarded.map(asChatMessage), output: action, ...(t.answer.usage ? { usage: t.answer.usage } : {}), ms: t.upstreamMs };
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
