/**
 * Where a strategy goes in a message list, as data, for adapters whose messages are not plain OpenAI objects (the
 * AI SDK prompt, LangChain messages): they apply the placement in their own shape and keep every other field. It
 * decides exactly what `injectStrategy` (inject.ts) does on OpenAI messages; a test holds the two together.
 */
import { strategyNote, type InjectMode } from './inject.js';

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
