/**
 * An agent session as epo episodes, so sessions recorded by the proxy or the framework adapters flow into
 * `epo label`, `epo dataset build` and `epo train` like any run. Pure: the recorder collects calls, this shapes them.
 *
 * One Turn per model call: the strategist's exact call, the actor's call (what the model received, strategy
 * included, and its answer), the answer as the action (text and tool calls), and what the agent added before its
 * next call (tool results, the user's reply) as the observation; the last turn carries the outcome reward. The same
 * shape as `epo proxy` records (reason `outcome` when the application reported one), so both label and train alike. The strategist's chat must extend call by call
 * (src/core/episode.ts); when the strategist started afresh (the agent rewrote its history) the session goes on in
 * a new episode of the same task: `${session}#0`, `${session}#1`, …
 */
import { episodeId, type Call, type Episode, type ModelRef, type Outcome, type Turn } from '../core/episode.js';
import type { ChatMessage } from '../core/messages.js';
import { contentText, renderMessage, renderMessages, type AgentMessage } from './conversation.js';

/** The environment name of runs recorded from agents outside epo. */
export const PLUGIN_ENV = 'proxy';

/** One model call of an agent session. */
export interface SessionCall {
  /** The agent's messages as it sent them, before the strategy was added. */
  request: AgentMessage[];
  /** The messages the model received (the request with the strategy). */
  sent: AgentMessage[];
  /** The strategist's exact input and output; absent when it failed and the call went on without a strategy. */
  strategist?: Call;
  /** Why the strategist gave no strategy this call. */
  strategistError?: string;
  /** The model's answer as an assistant message (text and tool calls). */
  answer: AgentMessage;
  /** The model's token counts and time, when known. */
  usage?: Call['usage'];
  ms?: number;
}

export interface SessionMeta {
  run: string;
  session: string;
  /** strategist and actor, as public specs. */
  models: Record<string, ModelRef>;
  codeVersion: string;
  startedAt: string;
  finishedAt: string;
  /** The reported outcome; without one the session ends with reward 0 and the reason given (default `closed`). */
  outcome?: Partial<Outcome> & { reward: number; success: boolean };
  reason?: string;
}

/** The answer as an action: its text, then one line per tool call (`calls name(arguments)`), as the proxy records it. */
export function answerText(m: AgentMessage): string {
  const calls = (m.tool_calls ?? []).map((c) => `calls ${c.function.name}(${c.function.arguments})`);
  return [contentText(m.content).trim(), ...calls].filter(Boolean).join('\n');
}

/**
 * A message the way a text-only chat keeps it (the proxy's rule): system and developer as system, tool results and
 * other roles as user messages that name the speaker, assistant tool calls as the strategist reads them.
 */
export function asChatMessage(m: AgentMessage): ChatMessage {
  const role = m.role === 'system' || m.role === 'developer' ? 'system' : m.role === 'assistant' ? 'assistant' : 'user';
  const plain = (role !== 'user' || m.role === 'user') && !m.tool_calls?.length;
  return { role, content: plain ? contentText(m.content) : renderMessage(m) };
}

/** What the agent sent after the answer: the messages after the last assistant message of its next request. */
export function addedSince(next: AgentMessage[]): AgentMessage[] {
  let at = next.length - 1;
  while (at >= 0 && next[at].role !== 'assistant') at--;
  return next.slice(at + 1);
}

/** The user's goal as the first user message says it (the session's task). */
export const firstUserText = (messages: AgentMessage[]): string => contentText(messages.find((m) => m.role === 'user')?.content ?? '');

/** Whether `later` extends the chat `earlier` ended with (its input and output): the turn-by-turn rule. */
const extendsCall = (earlier: Call, later: Call): boolean => {
  const chat = [...earlier.input, { role: 'assistant', content: earlier.output }];
  return later.input.length > chat.length && chat.every((m, i) => later.input[i].role === m.role && later.input[i].content === m.content);
};

/** The calls cut where the strategist started afresh; each part becomes one episode. */
export function splitAtRestarts(calls: SessionCall[]): SessionCall[][] {
  const parts: SessionCall[][] = [];
  let last: Call | undefined;
  for (const c of calls) {
    if (parts.length === 0 || (c.strategist && last && !extendsCall(last, c.strategist))) parts.push([]);
    parts[parts.length - 1].push(c);
    if (c.strategist) last = c.strategist;
  }
  return parts;
}

function turnOf(c: SessionCall, next: SessionCall | undefined, index: number, finalReward: number): Turn {
  const info: Record<string, unknown> = {};
  if (c.strategistError) info.strategistError = c.strategistError;
  if (c.answer.tool_calls?.length) info.toolCalls = c.answer.tool_calls.map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }));
  return {
    index,
    ...(c.strategist ? { strategist: c.strategist } : {}),
    actor: { input: c.sent.map(asChatMessage), output: answerText(c.answer), ...(c.usage ? { usage: c.usage } : {}), ...(c.ms !== undefined ? { ms: c.ms } : {}) },
    action: answerText(c.answer),
    observation: next ? renderMessages(addedSince(next.request)) : '',
    // the last turn carries the outcome, as the proxy records it
    reward: next ? 0 : finalReward,
    done: next === undefined,
    ...(Object.keys(info).length ? { info } : {}),
  };
}

/** The session's episodes (one, or more when the strategist started afresh), in order. */
export function sessionEpisodes(calls: SessionCall[], meta: SessionMeta): Episode[] {
  const parts = splitAtRestarts(calls);
  return parts.map((part, trial) => {
    const last = trial === parts.length - 1;
    const outcome: Outcome = last && meta.outcome
      ? { reason: 'outcome', ...meta.outcome }
      : { reward: 0, success: false, reason: last ? meta.reason ?? 'closed' : 'restarted' };
    return {
      id: episodeId(meta.session, trial),
      run: meta.run,
      env: PLUGIN_ENV,
      taskId: meta.session,
      trial,
      seed: 0,
      models: meta.models,
      codeVersion: meta.codeVersion,
      task: { goal: firstUserText(part[0].request), session: meta.session },
      initialObservation: renderMessages(part[0].request),
      turns: part.map((c, i) => turnOf(c, part[i + 1], i, outcome.reward)),
      outcome,
      startedAt: meta.startedAt,
      finishedAt: meta.finishedAt,
    };
  });
}
