/**
 * The central record: one episode of strategist ⇄ actor ⇄ environment (or two seats in SOTOPIA). From it the
 * strategist's multi-turn chat can be rebuilt byte-for-byte for training: `strategist.input` is the exact chat sent,
 * `strategist.output` the exact text received.
 */
import type { ChatMessage } from './messages.js';

/** A model as used in a run: its spec string and sampling settings. Never contains secrets. */
export interface ModelRef {
  spec: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  costUsd?: number;
}

/** One model call inside a turn. */
export interface Call {
  input: ChatMessage[];
  output: string;
  usage?: TokenUsage;
  ms?: number;
  /** Set when the output could not be parsed; the turn goes on with an invalid action. */
  parseError?: string;
  /** Set when the answer was cut at the backend's response cap (the output is its first part). */
  truncated?: boolean;
}

export interface Turn {
  index: number;
  /** SOTOPIA: the seat (0 or 1) acting this turn. */
  seat?: number;
  strategist?: Call;
  actor?: Call;
  /** The action passed to the environment (after parsing). */
  action: string;
  observation: string;
  /** The environment's reward for this step. */
  reward: number;
  done: boolean;
  info?: Record<string, unknown>;
  ms?: number;
}

export interface Outcome {
  /** The environment's outcome reward: ALFWorld won 0/1, WebShop reward, SOTOPIA goal/10 of the strategist's seat. */
  reward: number;
  success: boolean;
  /** Why the episode ended: done, max_steps, timeout, error, left, stale, max_turns. */
  reason: string;
  [key: string]: unknown;
}

export interface Episode {
  /** Stable id: `${taskId}#${trial}` inside a run. */
  id: string;
  run: string;
  env: string;
  taskId: string;
  trial: number;
  seed: number;
  /** Roles → models: strategist, actor, partner, evaluator, judge. */
  models: Record<string, ModelRef>;
  codeVersion: string;
  dataVersion?: string;
  task: Record<string, unknown>;
  /** The first observation (task sentence and initial state). */
  initialObservation: string;
  turns: Turn[];
  outcome: Outcome;
  /** Environment-specific terminal results, e.g. SOTOPIA's 7-dimension scores per seat. */
  evaluation?: Record<string, unknown>;
  startedAt: string;
  finishedAt: string;
  error?: string;
}

export const episodeId = (taskId: string, trial: number): string => `${taskId}#${trial}`;

/** Sum of token usage over all calls of an episode. */
export function episodeUsage(e: Episode): TokenUsage {
  const u: TokenUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const t of e.turns) {
    for (const c of [t.strategist, t.actor]) {
      if (!c?.usage) continue;
      u.promptTokens += c.usage.promptTokens;
      u.completionTokens += c.usage.completionTokens;
      u.costUsd! += c.usage.costUsd ?? 0;
    }
  }
  return u;
}

/**
 * The strategist's multi-turn chat for training, rebuilt from an episode. Contract kept by every agent loop: the
 * strategist's input at turn k extends its input at turn k−1 by exactly [assistant: output_{k−1}, user: …], and the
 * instructions and one-shot example live in the system/first user message (never as fake assistant turns). So the
 * chat is the last strategist input plus its output, and its assistant messages are exactly the strategies, in order.
 * For two-seat environments pass the seat whose strategist is wanted.
 */
export function strategistChat(e: Episode, seat?: number): ChatMessage[] {
  const calls = e.turns.filter((t) => t.strategist && (seat === undefined || t.seat === seat)).map((t) => t.strategist!);
  if (calls.length === 0) return [];
  const last = calls[calls.length - 1];
  const chat: ChatMessage[] = [...last.input, { role: 'assistant', content: last.output }];
  const strategies = chat.filter((m) => m.role === 'assistant').map((m) => m.content);
  const expected = calls.map((c) => c.output);
  if (strategies.length !== expected.length || strategies.some((s, i) => s !== expected[i])) {
    throw new Error(`episode ${e.id}: the strategist's chat does not extend turn by turn (${strategies.length} assistant messages for ${expected.length} strategies)`);
  }
  return chat;
}
