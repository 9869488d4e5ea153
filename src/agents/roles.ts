/**
 * The two roles and their chats. The strategist sees its instructions (with a one-shot example) in the system
 * message, the task in the first user message, then per turn the actor's action and the observation; it answers
 * `Thought: …`. The actor sees its own instructions and example, the task, the observations and the current thought;
 * it answers `Action: …`. In the actor-only baseline the actor writes `Thought: … Action: …` itself.
 *
 * Contract (src/core/episode.ts): the strategist's chat grows only by [assistant: its last output, user: feedback],
 * so the training chat can be rebuilt byte-for-byte from the last call.
 */
import { assistant, system, user, type ChatMessage } from '../core/messages.js';

/** One step of a worked example. */
export interface ExampleStep {
  thought: string;
  action: string;
  observation: string;
}

/** A one-shot example: a task solved step by step (built by playing a walkthrough, see icl.ts). */
export interface Example {
  /** The first observation, including the task sentence. */
  task: string;
  steps: ExampleStep[];
}

/** The environment-specific words of both roles. */
export interface EnvPrompts {
  env: string;
  strategist: string;
  actor: string;
  /** The actor-only baseline: the actor plans and acts in one answer. */
  solo: string;
  /** Normalise a candidate action; undefined when it is not a command of this environment. */
  normaliseAction(candidate: string): string | undefined;
  /** The observation given after an answer with no usable action (the environment is not stepped). */
  invalidAnswer: string;
}

export type Role = 'strategist' | 'actor' | 'solo';

const NO_ACTION = '(no valid action)';

/** The example as plain text inside the system message (never as fake assistant turns). */
export function renderExample(ex: Example, role: Role): string {
  const lines = ['Here is an example of a task solved from start to end:', '', `Task:\n${ex.task}`];
  for (const s of ex.steps) {
    if (role === 'strategist') lines.push(`Thought: ${s.thought}`, `Actor's action: ${s.action}`, `Observation: ${s.observation}`);
    else lines.push(`Thought: ${s.thought}`, `Action: ${s.action}`, `Observation: ${s.observation}`);
  }
  lines.push('', 'End of the example. Now the real task begins.');
  return lines.join('\n');
}

/** Admissible actions, offered to the actor as an option. */
const options = (admissible?: string[]): string =>
  admissible && admissible.length ? `\nAvailable actions: ${admissible.join(', ')}` : '';

export const strategistStart = (p: EnvPrompts, ex: Example | undefined, firstObservation: string, systemRole = true): ChatMessage[] =>
  opening(p.strategist, ex && renderExample(ex, 'strategist'), `Task:\n${firstObservation}`, systemRole);

/** What the strategist is told after a step: the actor's action (or that it gave none) and the observation. */
export const strategistFeedback = (action: string | undefined, observation: string): ChatMessage =>
  user(`Actor's action: ${action || NO_ACTION}\nObservation: ${observation}`);

export const actorStart = (p: EnvPrompts, ex: Example | undefined, firstObservation: string, thought: string, admissible?: string[], systemRole = true): ChatMessage[] =>
  opening(p.actor, ex && renderExample(ex, 'actor'), `Task:\n${firstObservation}\nThought: ${thought}${options(admissible)}`, systemRole);

export const actorFeedback = (observation: string, thought: string, admissible?: string[]): ChatMessage =>
  user(`Observation: ${observation}\nThought: ${thought}${options(admissible)}`);

export const soloStart = (p: EnvPrompts, ex: Example | undefined, firstObservation: string, admissible?: string[], systemRole = true): ChatMessage[] =>
  opening(p.solo, ex && renderExample(ex, 'solo'), `Task:\n${firstObservation}${options(admissible)}`, systemRole);

export const soloFeedback = (observation: string, admissible?: string[]): ChatMessage =>
  user(`Observation: ${observation}${options(admissible)}`);

export const reply = (text: string): ChatMessage => assistant(text);

/** Instructions and example in a system message, or (for chat templates without one) at the top of the first user message. */
function opening(instructions: string, example: string | undefined, first: string, systemRole: boolean): ChatMessage[] {
  const head = example ? `${instructions}\n\n${example}` : instructions;
  return systemRole ? [system(head), user(first)] : [user(`${head}\n\n${first}`)];
}
