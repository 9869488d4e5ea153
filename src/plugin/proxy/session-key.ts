/**
 * Which session a request belongs to, when the agent does not name one with `X-EPO-Session`.
 *
 * Rule: an agent's next request repeats its conversation so far, then the answer it got, then what happened next
 * (tool results, a user message). So after each answer the proxy files the session under the key of
 * "conversation + answer"; a request whose messages, up to and including its last assistant message, have that key
 * continues the session. A request with no assistant message, or whose prefix matches no open session, starts a new
 * one. Messages are compared as the strategist reads them (role, text, tool calls), so a client re-serialising the
 * answer (null vs empty content, key order) still matches. Identical conversations running side by side share a key
 * until their answers differ; they are queued under it and taken in turn.
 */
import { createHash } from 'node:crypto';
import { renderMessage, type AgentMessage } from '../conversation.js';

export const SESSION_HEADER = 'x-epo-session';

/** The key of a list of messages. */
export function conversationKey(messages: AgentMessage[]): string {
  const h = createHash('sha256');
  for (const m of messages) h.update(renderMessage(m)).update('\u0000');
  return h.digest('base64url');
}

/** Index of the last assistant message, or -1. */
export const lastAssistant = (messages: AgentMessage[]): number => {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'assistant') return i;
  return -1;
};

/** The key a request continues, or undefined when it can only start a session. */
export function continuationKey(messages: AgentMessage[]): string | undefined {
  const at = lastAssistant(messages);
  return at < 0 ? undefined : conversationKey(messages.slice(0, at + 1));
}

/** Open sessions filed under the key their next request will have; several per key, first in first out. */
export class ContinuationIndex<T> {
  private readonly byKey = new Map<string, T[]>();

  file(key: string, item: T): void {
    const list = this.byKey.get(key);
    if (list) list.push(item); else this.byKey.set(key, [item]);
  }

  take(key: string, usable: (item: T) => boolean = () => true): T | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    const at = list.findIndex(usable);
    if (at < 0) return undefined;
    const [item] = list.splice(at, 1);
    if (list.length === 0) this.byKey.delete(key);
    return item;
  }

  remove(item: T): void {
    for (const [key, list] of this.byKey) {
      const at = list.indexOf(item);
      if (at >= 0) { list.splice(at, 1); if (list.length === 0) this.byKey.delete(key); return; }
    }
  }
}
