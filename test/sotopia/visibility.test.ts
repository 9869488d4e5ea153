import { describe, expect, it } from 'vitest';
import { BUILTIN_CHARACTERS, BUILTIN_SCENARIOS } from '../../src/envs/sotopia/builtin.js';
import type { Character, Relationship, Scenario } from '../../src/envs/sotopia/profiles.js';
import { actionSentence, goalText, renderBackground, renderHistory } from '../../src/envs/sotopia/render.js';
import { characterBio, partsVisibleToPartner } from '../../src/envs/sotopia/visibility.js';

const [ines, tomas] = BUILTIN_CHARACTERS as [Character, Character];
const rent = BUILTIN_SCENARIOS[0];
const withRel = (relationship: Relationship): Scenario => ({ ...rent, relationship });

const INES_FULL = 'Ines Okafor is a 34-year-old female bakery owner (pronouns: She/her). Ines runs a small bakery near the train station and knows most of her customers by name. Personality and values: Ines is warm but shrewd; she likes a fair deal and remembers who kept their word. Big Five: Openness - High; Conscientiousness - High; Extraversion - High; Agreeableness - Medium; Neuroticism - Low. Moral values: Fairness. Personal values: Achievement, Benevolence. Decision-making style: Practical, quick. MBTI: ESTJ. Secret: She is quietly planning to sell the bakery next spring.';

/** The line of `who`'s background as seen by Tomas (seat 1). */
const seenByTomas = (rel: Relationship) => renderBackground(withRel(rel), [ines, tomas], 1).split('\n')[2];

describe('visibility by relationship', () => {
  it('each character sees its own full background, secret included', () => {
    expect(renderBackground(withRel('stranger'), [ines, tomas], 0).split('\n')[2]).toBe(`Ines Okafor's background: ${INES_FULL}`);
  });

  it('the partner sees nothing, the name, the basics, or all but the secret', () => {
    expect(seenByTomas('stranger')).toBe("Ines Okafor's background: Unknown");
    expect(seenByTomas('know_by_name')).toBe("Ines Okafor's background: Ines Okafor.");
    expect(seenByTomas('acquaintance')).toBe("Ines Okafor's background: Ines Okafor is a 34-year-old female bakery owner (pronouns: She/her). Ines runs a small bakery near the train station and knows most of her customers by name.");
    for (const rel of ['friend', 'romantic_relationship', 'family_member'] as const) {
      const line = seenByTomas(rel);
      expect(line).toContain('Personality and values: Ines is warm but shrewd');
      expect(line).not.toContain('Secret');
      expect(line).not.toContain('sell the bakery');
      expect(line).toBe(`Ines Okafor's background: ${INES_FULL.replace(' Secret: She is quietly planning to sell the bakery next spring.', '')}`);
    }
    expect(partsVisibleToPartner('acquaintance')).toEqual(['name', 'basics']);
  });

  it("the partner's goal stays hidden; the environment sees both goals without markup", () => {
    const seat1 = renderBackground(rent, [ines, tomas], 1).split('\n');
    expect(seat1[4]).toBe("Ines Okafor's goal: Unknown");
    expect(seat1[5]).toBe("Tomas Lindqvist's goal: Renew the lease with a rent increase of at least 10% (Extra information: property taxes went up 8% and you need the margin.)");
    const env = renderBackground(rent, [ines, tomas], 'environment');
    expect(env).toContain("Ines Okafor's goal: Renew the lease for two years with a rent increase of at most 5% (Extra information:");
    expect(env).toContain('Secret: He owes the bank');
    expect(env).not.toMatch(/<\/?extra_info>/);
  });

  it('renders actions and histories in natural language, numbering turns from 1', () => {
    expect(actionSentence('Ana', { type: 'speak', argument: 'Hi.' })).toBe('Ana said: "Hi."');
    expect(actionSentence('Ana', { type: 'non-verbal communication', argument: 'smiles' })).toBe('Ana [non-verbal communication] smiles');
    expect(actionSentence('Ana', { type: 'action', argument: 'opens the door' })).toBe('Ana [action] opens the door');
    expect(actionSentence('Ana', { type: 'none', argument: '' })).toBe('Ana did nothing');
    expect(actionSentence('Ana', { type: 'leave', argument: '' })).toBe('Ana left the conversation');
    const entries = [
      { turn: 0, seat: 0 as const, action: { type: 'speak' as const, argument: 'Morning, Tomas.' } },
      { turn: 1, seat: 1 as const, action: { type: 'none' as const, argument: '' } },
      { turn: 2, seat: 0 as const, action: { type: 'leave' as const, argument: '' } },
    ];
    const h = renderHistory(rent, [ines, tomas], 0, entries);
    expect(h.endsWith('Conversation:\nTurn #1: Ines Okafor said: "Morning, Tomas."\nTurn #2: Tomas Lindqvist did nothing\nTurn #3: Ines Okafor left the conversation')).toBe(true);
    expect(renderHistory(rent, [ines, tomas], 'environment', entries, { skipNone: true })).not.toContain('did nothing');
    expect(renderHistory(rent, [ines, tomas], 0, [])).toContain('Conversation:\n(nothing has happened yet)');
    expect(goalText('A (<strategy_hint>Hint: x</strategy_hint>)')).toBe('A (Hint: x)');
    expect(characterBio(ines, [])).toBe('');
  });
});
