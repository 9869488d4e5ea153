import { describe, expect, it } from 'vitest';
import { findData } from '../../../test/helpers/data.js';
import { createRng } from '../../core/random.js';
import { alfworldWalkthroughChats, thoughtFor } from './alfworld.js';

describe('Thought lines for expert actions', () => {
  it('name the action target and depend on whether an object is held', () => {
    const rng = createRng(1);
    expect(thoughtFor('go to bed 1', 'look at book under the desklamp', undefined, rng)).toMatch(/bed 1/);
    expect(thoughtFor('go to sidetable 2', 'x', 'book 1', rng)).toMatch(/book 1.*sidetable 2|sidetable 2/);
    expect(thoughtFor('heat egg 1 with microwave 1', 'x', 'egg 1', rng)).toBe('Now heat egg 1 with microwave 1.');
    expect(thoughtFor('use desklamp 1', 'x', 'book 1', rng)).toBe('Turn on desklamp 1 to look at the object under its light.');
    expect(thoughtFor('inventory', 'x', undefined, rng)).toBe('Next: inventory.');
  });
});

const dir = findData('alfworld', 'json_2.1.1/valid_train');
describe.skipIf(!dir)('walkthrough chats from real ALFWorld games', () => {
  it('play each expert walkthrough in the engine: first turn is the room and task, every reply a Thought', () => {
    const chats = alfworldWalkthroughChats(dir!, 1, 3);
    expect(chats).toHaveLength(3);
    for (const chat of chats) {
      expect(chat[0].content).toMatch(/^You are in the middle of a room\. [\s\S]*\nYour task is to: /);
      chat.forEach((m, i) => {
        expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant');
        if (i % 2 === 1) expect(m.content).toMatch(/^Thought: /);
        if (i > 0 && i % 2 === 0) expect(m.content).toMatch(/^Observation: /);
      });
    }
    // The first game's expert goes to bed 1 and finds the book there (engine observation, not a template).
    expect(chats[0][2].content).toMatch(/^Observation: You arrive at bed 1\. On the bed 1, you see a book 1/);
  });
});
