import { describe, expect, it } from 'vitest';
import type { Episode } from '../src/core/episode.js';
import type { ChatMessage } from '../src/core/messages.js';
import { decodeEpisode, encodeEpisode } from '../src/store/codec.js';
import { makeEpisode } from './helpers/episodes.js';

/** An episode whose strategist chat grows turn by turn, like every agent loop's. */
function growingEpisode(turns: number, seats = 1): Episode {
  const e = makeEpisode(1);
  const chats: ChatMessage[][] = Array.from({ length: seats }, (_, s) => [{ role: 'system', content: `instructions for seat ${s}` }, { role: 'user', content: 'task' }]);
  e.turns = Array.from({ length: turns }, (_, t) => {
    const seat = t % seats;
    const input = [...chats[seat]];
    const output = `Thought: step ${t}`;
    chats[seat] = [...input, { role: 'assistant', content: output }, { role: 'user', content: `observation ${t}` }];
    return { index: t, seat: seats > 1 ? seat : undefined, strategist: { input, output }, actor: { input: [{ role: 'user', content: `fresh ${t}` }], output: 'Action: look' }, action: 'look', observation: `observation ${t}`, reward: 0, done: false };
  });
  return e;
}

describe('episode codec', () => {
  it('round-trips exactly and stores each shared prefix once', () => {
    const e = growingEpisode(60);
    const stored = encodeEpisode(e);
    expect(decodeEpisode(JSON.parse(JSON.stringify(stored)))).toEqual(e);
    const turns = (stored as { turns: { strategist: { reuse?: number; append?: unknown[]; input?: unknown } }[] }).turns;
    expect(turns[0].strategist.input).toBeDefined();
    expect(turns[5].strategist).toMatchObject({ reuse: 10 });
    expect(turns[5].strategist.append).toHaveLength(2); // [assistant: previous strategy, user: observation]
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(e).length / 5);
  });
  it('keeps seats apart and leaves unrelated inputs verbatim', () => {
    const e = growingEpisode(12, 2);
    expect(decodeEpisode(JSON.parse(JSON.stringify(encodeEpisode(e))))).toEqual(e);
    const plain = makeEpisode(2);
    expect(decodeEpisode(encodeEpisode(plain))).toEqual(plain);
  });
});
