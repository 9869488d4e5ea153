/**
 * How an episode's chats are laid out: the seam between the agent loop (src/rollout/episode.ts) and a protocol. The
 * loop asks the layout for the opening chats, what each role is told after a step, how an answer joins the actor's
 * chat, how an action is read from it and where generation stops; it never asks which protocol runs. `epoLayout` is
 * epo's own (roles.ts); the reference release's lives in src/reference/alfshop-layout.ts.
 *
 * Contract (src/core/episode.ts): the strategist's chat grows only by [assistant: its last output, user: feedback].
 */
import type { ChatMessage } from '../core/messages.js';
import { parseAction, type Parsed } from './parse.js';
import {
  actorFeedback, actorStart, reply, soloFeedback, soloStart, strategistFeedback, strategistStart,
  type EnvPrompts, type Example,
} from './roles.js';

/** The strategist's answer: as generated, and the thought parsed from it ('' when none). */
export interface ThoughtView { output: string; value: string }

/** What happened in a step, for the feedback of both roles. */
export interface StepView {
  /** The parsed action ('' when the answer had none). */
  action: string;
  /** The actor's answer as generated. */
  actorOutput: string;
  /** The environment's observation (or the invalid-answer text when the environment was not stepped). */
  observation: string;
}

export interface EpisodeLayout {
  strategistStart(first: string): ChatMessage[];
  strategistFeedback(step: StepView): ChatMessage;
  actorStart(first: string, thought: ThoughtView, admissible?: string[]): ChatMessage[];
  /** Messages appended to the actor's chat after a step, before its next answer. */
  actorFeedback(step: StepView, thought: ThoughtView, admissible?: string[]): ChatMessage[];
  soloStart(first: string, admissible?: string[]): ChatMessage[];
  soloFeedback(step: StepView, admissible?: string[]): ChatMessage[];
  /** The actor's chat once its answer is in it. */
  withAnswer(input: ChatMessage[], output: string): ChatMessage[];
  parseAction(output: string): Parsed;
  stop: { strategist: string[]; actor: string[]; solo: string[] };
}

/** What a layout is built from for one episode. */
export interface LayoutContext {
  prompts: EnvPrompts;
  example?: Example;
  systemRole: boolean;
}

/** A protocol's layout, built once per episode. */
export type ChatLayout = (ctx: LayoutContext) => EpisodeLayout;

const NONE = '(none)';

/** epo's own layout: instructions (and a rendered example) in the system message, first-line action parsing. */
export const epoLayout: ChatLayout = ({ prompts: p, example, systemRole: sys }) => ({
  strategistStart: (first) => strategistStart(p, example, first, sys),
  strategistFeedback: (s) => strategistFeedback(s.action, s.observation),
  actorStart: (first, th, admissible) => actorStart(p, example, first, th.value || NONE, admissible, sys),
  actorFeedback: (s, th, admissible) => [actorFeedback(s.observation, th.value || NONE, admissible)],
  soloStart: (first, admissible) => soloStart(p, example, first, admissible, sys),
  soloFeedback: (s, admissible) => [soloFeedback(s.observation, admissible)],
  withAnswer: (input, output) => [...input, reply(output)],
  parseAction: (output) => parseAction(output, { normalise: p.normaliseAction }),
  stop: { strategist: ['\nActor\'s action:', '\nAction:', '\nObservation:'], actor: ['\nObservation:', '\nThought:'], solo: ['\nObservation:'] },
});
