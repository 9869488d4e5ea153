/**
 * What each seat may see of the other's background, by relationship (SOTOPIA's rule): strangers see nothing of each
 * other; people who know each other by name see only the name; acquaintances also see age, gender, pronouns,
 * occupation and public information; friends, partners and family also see personality and values. Nobody sees the
 * other's secret, and nobody sees the other's goal (that is handled by the background renderer).
 */
import { fullName, RELATIONSHIPS, type Character, type Relationship } from './profiles.js';

export type BioPart = 'name' | 'basics' | 'personality' | 'secret';

const ALL_PARTS: readonly BioPart[] = ['name', 'basics', 'personality', 'secret'];

/** The parts of a character's background the *other* seat sees, given their relationship. */
export function partsVisibleToPartner(rel: Relationship): BioPart[] {
  switch (rel) {
    case 'stranger': return [];
    case 'know_by_name': return ['name'];
    case 'acquaintance': return ['name', 'basics'];
    default: return ['name', 'basics', 'personality'];
  }
}

/** The parts of `subject`'s background that `viewer` sees ('environment' = the evaluator, which sees everything). */
export function visibleParts(viewer: 0 | 1 | 'environment', subject: 0 | 1, rel: Relationship): BioPart[] {
  if (viewer === 'environment' || viewer === subject) return [...ALL_PARTS];
  return partsVisibleToPartner(rel);
}

const GENDER: Record<string, string> = { Man: 'male', Woman: 'female', Nonbinary: 'nonbinary' };
export const genderWord = (g: string): string => GENDER[g] ?? g.toLowerCase();

/** A character's background limited to `parts`; '' when nothing is visible. */
export function characterBio(c: Character, parts: readonly BioPart[]): string {
  const has = (p: BioPart) => parts.includes(p);
  const out: string[] = [];
  if (has('basics')) {
    const who = [`${c.age}-year-old`, genderWord(c.gender), c.occupation].filter(Boolean).join(' ');
    out.push(`${fullName(c)} is a ${who}${c.pronouns ? ` (pronouns: ${c.pronouns})` : ''}.`);
    if (c.publicInfo) out.push(c.publicInfo);
  } else if (has('name')) {
    out.push(`${fullName(c)}.`);
  }
  if (has('personality')) {
    const p = [c.personality, c.bigFive && `Big Five: ${c.bigFive}.`, c.moralValues.length ? `Moral values: ${c.moralValues.join(', ')}.` : '',
      c.schwartzValues.length ? `Personal values: ${c.schwartzValues.join(', ')}.` : '', c.decisionMaking && `Decision-making style: ${c.decisionMaking}.`,
      c.mbti && `MBTI: ${c.mbti}.`].filter(Boolean);
    if (p.length) out.push(`Personality and values: ${p.join(' ')}`);
  }
  if (has('secret') && c.secret) out.push(`Secret: ${c.secret}`);
  return out.join(' ');
}

export const relationshipLevel = (r: Relationship): number => RELATIONSHIPS.indexOf(r);
