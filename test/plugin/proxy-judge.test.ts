import { describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import { judgeMessages } from '../../src/rewards/judge/prompts.js';
import { sessionEpisode } from '../../src/plugin/proxy/episode.js';

const turn = (k: number, action: string, observation: string) => ({
  index: k, strategist: { input: [], output: `strategy ${k + 1}` }, action, observation, reward: 0, done: false,
});

function proxyEpisode(reason: string, reward: number, success: boolean): Episode {
  return sessionEpisode({
    sessionId: 's-1', trial: 0, run: 'p', seed: 0, arm: 'A', models: { strategist: { spec: 'scripted:x' } }, codeVersion: 't',
    goal: 'Book a train to Lyon.', initialObservation: 'User: Book a train to Lyon.',
    turns: [turn(0, 'calls search_trains({"to":"Lyon"})', 'Tool result (search_trains): TGV 6601'), turn(1, 'Booked TGV 6601.', '')],
    startedAt: 't0',
  }, { reward, success, reason }, 't1');
}

describe('the judge on proxy sessions', () => {
  it('speaks of an AI agent serving a user, not of a text environment, and states the reported outcome', () => {
    const { messages, count } = judgeMessages(proxyEpisode('outcome', 1, true));
    expect(count).toBe(2);
    expect(messages[0].content).toContain('an AI agent that serves a user');
    expect(messages[0].content).not.toContain('text environment');
    expect(messages[1].content).toContain('The application reported success (reward 1).');
    expect(messages[1].content).toContain('Agent: calls search_trains({"to":"Lyon"})');
    expect(messages[1].content).toContain('Then: Tool result (search_trains): TGV 6601');
    expect(messages[1].content).toContain('Which strategies (numbers 1 to 2) were decisive?');
  });

  it('says when a session ended without a reported outcome', () => {
    expect(judgeMessages(proxyEpisode('idle', 0, false)).messages[1].content).toContain('The session ended without a reported outcome (it went idle)');
    expect(judgeMessages(proxyEpisode('outcome', 0.25, false)).messages[1].content).toContain('The application reported failure (reward 0.25).');
  });
});
