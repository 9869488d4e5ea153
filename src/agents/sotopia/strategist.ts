/**
 * The SOTOPIA strategist: one short strategy per own turn for one character. Its chat grows by exactly one assistant
 * message (its previous strategy, verbatim) and one user message (what happened since, including its own character's
 * action, even `none`) per turn, so strategies stay aligned with turns and the chat is the training sample as is.
 */
import type { ChatMessage } from '../../core/messages.js';

export function strategistSystem(name: string, partner: string): string {
  return `You advise ${name} in a social interaction with ${partner}. ${name}'s goal is given in the context; ${partner}'s goal is not known. At each of ${name}'s turns you propose one strategy for that turn, thinking about what has happened so far and what ${name} needs.
Rules:
- Vary your strategies from turn to turn; do not repeat yourself.
- Never propose aggressive, deceptive-harmful or unethical strategies.
- Do not write what anyone says and do not explain your reasoning.
- Answer with a single line: Strategy: <at most 10 words, in plain language>`;
}

/** The first user message: the character's background and the conversation before its first turn. */
export function strategistFirstUser(history: string, name: string, turn: number): string {
  return `${history}\n\n${askLine(name, turn)}`;
}

/** A later user message: the turns since the previous strategy (own action included). */
export function strategistNextUser(newTurns: readonly string[], name: string, turn: number): string {
  return `${newTurns.length ? newTurns.join('\n') : '(nothing happened)'}\n\n${askLine(name, turn)}`;
}

const askLine = (name: string, turn: number) => `Turn #${turn + 1} is ${name}'s. Strategy for this turn:`;

// `\s*(?:\*+\s*)?` reads as `\s*\**\s*` would, without trying every split of a long run of spaces.
const TAG = /^\**\s*strategy\s*(?:\*+\s*)?:/i;

/** Without opening quotes at the start and closing quotes at the end (scanned: a `["'”]+$` regex rescans every start). */
function unquote(s: string): string {
  let a = 0, b = s.length;
  while (a < b && `"'“`.includes(s[a])) a++;
  while (b > a && `"'”`.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/** The strategy text passed to the actor: the content after `Strategy:`, else the first non-empty line. */
export function parseStrategy(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const tagged = lines.find((l) => TAG.test(l));
  const line = tagged ? tagged.replace(TAG, '').replace(/^\s*\**\s*/, '') : lines[0] ?? '';
  return unquote(line).trim();
}

/**
 * The strategist's chat for its next turn: the first turn builds [system, user] (or one user message holding both,
 * for chat templates without a system role); later turns extend it exactly.
 */
export function extendStrategistChat(prev: ChatMessage[] | undefined, prevOutput: string | undefined, userContent: string, system: string, systemRole = true): ChatMessage[] {
  if (!prev) return foldSystem([{ role: 'system', content: system }, { role: 'user', content: userContent }], systemRole);
  return [...prev, { role: 'assistant', content: prevOutput ?? '' }, { role: 'user', content: userContent }];
}

/** Without a system role, the system text opens the first user message. */
export function foldSystem(messages: ChatMessage[], systemRole: boolean): ChatMessage[] {
  if (systemRole || messages[0]?.role !== 'system' || messages[1]?.role !== 'user') return messages;
  return [{ role: 'user', content: `${messages[0].content}\n\n${messages[1].content}` }, ...messages.slice(2)];
}
