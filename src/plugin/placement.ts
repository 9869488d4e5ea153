/**
 * Where a strategy goes in a message list, decided once, as data: `injectStrategy` (inject.ts) applies it to OpenAI
 * messages, and the adapters whose messages are not plain OpenAI objects (the AI SDK prompt, LangChain messages)
 * apply it in their own shape, keeping every other field.
 *
 *   system            appended to the agent's first system (or developer) message; a system message is added at the
 *                     top when there is none
 *   user              appended to the last message when it is the user's; otherwise a user message is added at the end
 *   assistant-prefix  an assistant message at the end that the model continues (servers that continue a final
 *                     assistant message: vLLM, SGLang, llama.cpp; the EPO reference's layout for ALFWorld and WebShop)
 */

export const INJECT_MODES = ['system', 'user', 'assistant-prefix'] as const;
export type InjectMode = (typeof INJECT_MODES)[number];

/** The words around the strategy for the system and user places; the assistant prefix is the strategy alone. */
export const strategyNote = (strategy: string): string => `Strategy for your next step (from your planner): ${strategy}`;

export type Placement =
  /** Append `text` to the message at `index` (after a blank line when it has text already). */
  | { op: 'append'; index: number; text: string }
  /** Insert a new message of `role` holding `text` at `index`. */
  | { op: 'insert'; index: number; role: 'system' | 'user' | 'assistant'; text: string };

/** The placement for a list of messages given by their roles (OpenAI names: system, developer, user, assistant, tool). */
export function placeStrategy(roles: string[], strategy: string, mode: InjectMode): Placement {
  if (mode === 'system') {
    const at = roles.findIndex((r) => r === 'system' || r === 'developer');
    return at < 0 ? { op: 'insert', index: 0, role: 'system', text: strategyNote(strategy) } : { op: 'append', index: at, text: strategyNote(strategy) };
  }
  if (mode === 'user') {
    const last = roles.length - 1;
    return last >= 0 && roles[last] === 'user' ? { op: 'append', index: last, text: strategyNote(strategy) } : { op: 'insert', index: roles.length, role: 'user', text: strategyNote(strategy) };
  }
  return { op: 'insert', index: roles.length, role: 'assistant', text: `Thought: ${strategy}\n` };
}

/** Text with `note` appended the way injection appends: after a blank line, or alone when there was no text. */
export const appendNote = (text: string, note: string): string => (text ? `${text}\n\n${note}` : note);
