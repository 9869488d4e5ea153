/**
 * The strategist's words for agents epo knows nothing about: no environment, no command list, only the agent's
 * conversation. Environment-specific prompts (ALFWorld, WebShop, SOTOPIA) live with their environments; this one is
 * for the proxy and the framework adapters.
 */
import { system, user, type ChatMessage } from '../core/messages.js';

export interface StrategistPrompt {
  /** The strategist's instructions (the system message). */
  instructions: string;
  /** The first user message, from the conversation so far. */
  opening(rendered: string): string;
  /** A later user message, from what happened since the last strategy. */
  update(rendered: string): string;
}

export const TASK_AGNOSTIC: StrategistPrompt = {
  instructions: [
    'You advise an AI agent while it works. The agent talks with a user and may call tools; you never act yourself.',
    'Each time the agent is about to answer you read what happened so far and give it a strategy for its next step:',
    'what to aim for now, what to check or avoid, and how this step serves the user\'s goal. Be concrete and brief',
    '(one to three sentences). Do not write the agent\'s answer or a tool call for it, and do not repeat advice that',
    'the agent has already followed.',
  ].join(' '),
  opening: (rendered) => `The conversation so far:\n\n${rendered}\n\nGive the strategy for the agent's next step.`,
  update: (rendered) => `Since your last strategy:\n\n${rendered}\n\nGive the strategy for the agent's next step.`,
};

export const openingChat = (p: StrategistPrompt, rendered: string): ChatMessage[] => [system(p.instructions), user(p.opening(rendered))];
