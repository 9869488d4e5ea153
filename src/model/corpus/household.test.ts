import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/random.js';
import { householdChat, householdCorpus } from './household.js';

describe('synthetic household strategist chats', () => {
  it('alternate user/assistant, open with task and room, and answer every turn with one Thought line', () => {
    for (let s = 0; s < 50; s++) {
      const chat = householdChat(createRng(s));
      expect(chat.length % 2).toBe(0);
      chat.forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? 'user' : 'assistant'));
      expect(chat[0].content).toMatch(/^Task: .+\nObservation: You are in the middle of a room\. Looking quickly around you, you see /);
      for (const m of chat.slice(1)) {
        if (m.role === 'assistant') expect(m.content).toMatch(/^Thought: [^\n]+$/);
        else expect(m.content).toMatch(/^Observation: /);
      }
    }
  });

  it('is deterministic for a seed and varies across seeds', () => {
    expect(householdCorpus(5, 7)).toBe(householdCorpus(5, 7));
    expect(householdCorpus(5, 7)).not.toBe(householdCorpus(5, 8));
    expect(householdCorpus(3, 1).trim().split('\n').map((l) => Object.keys(JSON.parse(l)))).toEqual([['messages'], ['messages'], ['messages']]);
  });
});
