/**
 * Compact storage of episodes. Agent loops send each model the whole growing chat, so storing every turn's input
 * verbatim makes an episode quadratic in its length (a 20-turn SOTOPIA episode ≈ 160 KiB). Consecutive calls of the
 * same role and seat share a prefix; we store that prefix as a count of messages reused from the previous call and
 * rebuild the exact input on read. Lossless: decode(encode(e)) deep-equals e.
 */
import type { Call, Episode, Turn } from '../core/episode.js';
import type { ChatMessage } from '../core/messages.js';

interface StoredCall extends Omit<Call, 'input'> {
  input?: ChatMessage[];
  /** The first `reuse` messages equal those of the previous call with the same role and seat. */
  reuse?: number;
  /** The messages after the reused prefix. */
  append?: ChatMessage[];
}

const ROLES = ['strategist', 'actor'] as const;
const keyOf = (role: string, t: Turn) => `${role}:${t.seat ?? ''}`;
const sameMessage = (a: ChatMessage, b: ChatMessage) => a.role === b.role && a.content === b.content;

export function encodeEpisode(e: Episode): unknown {
  const prev = new Map<string, ChatMessage[]>();
  const turns = e.turns.map((t) => {
    const out: Record<string, unknown> = { ...t };
    for (const role of ROLES) {
      const call = t[role];
      if (!call) continue;
      const before = prev.get(keyOf(role, t));
      prev.set(keyOf(role, t), call.input);
      let n = 0;
      if (before) while (n < before.length && n < call.input.length && sameMessage(before[n], call.input[n])) n++;
      if (n === 0) continue;
      const { input, ...rest } = call;
      out[role] = { ...rest, reuse: n, append: input.slice(n) } satisfies StoredCall;
    }
    return out;
  });
  return { ...e, turns };
}

export function decodeEpisode(stored: unknown): Episode {
  const e = stored as Episode;
  const prev = new Map<string, ChatMessage[]>();
  const turns = e.turns.map((t) => {
    const out = { ...t };
    for (const role of ROLES) {
      const call = t[role] as StoredCall | undefined;
      if (!call) continue;
      let input = call.input;
      if (input === undefined) {
        const before = prev.get(keyOf(role, t)) ?? [];
        input = [...before.slice(0, call.reuse ?? 0), ...(call.append ?? [])];
        const { reuse: _r, append: _a, ...rest } = call;
        out[role] = { ...rest, input } as Call;
      }
      prev.set(keyOf(role, t), input);
    }
    return out;
  });
  return { ...e, turns };
}
