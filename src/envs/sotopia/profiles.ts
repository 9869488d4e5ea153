/**
 * SOTOPIA's data model: scenarios (environment profiles), characters (agent profiles), relationships between
 * characters, and tasks (a scenario with an ordered pair of characters, the "env-agent combos"). Loaders read the
 * public JSONL files and name the file, line and field of anything malformed.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EpoError } from '../../core/errors.js';

/** How well the two characters know each other; it decides what each sees of the other's background. */
export const RELATIONSHIPS = ['stranger', 'know_by_name', 'acquaintance', 'friend', 'romantic_relationship', 'family_member'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export interface Character {
  id: string;
  firstName: string;
  lastName: string;
  age: number;
  occupation: string;
  /** As written in the data: Man, Woman, Nonbinary (other values are shown lower-cased). */
  gender: string;
  pronouns: string;
  publicInfo: string;
  bigFive: string;
  moralValues: string[];
  schwartzValues: string[];
  personality: string;
  decisionMaking: string;
  secret: string;
  mbti: string;
}

export interface Scenario {
  id: string;
  codename: string;
  source: string;
  scenario: string;
  /** Goal of seat 0 and of seat 1; may contain <extra_info>, <clarification_hint>, <strategy_hint> parts. */
  goals: [string, string];
  relationship: Relationship;
  ageConstraint?: string;
  occupationConstraint?: string;
}

export interface RelationshipProfile {
  id: string;
  characterIds: [string, string];
  relationship: Relationship;
  backgroundStory?: string;
}

/** One benchmark task: a scenario played by two given characters (seat 0 and seat 1). */
export interface Combo {
  id: string;
  scenarioId: string;
  characterIds: [string, string];
}

export const fullName = (c: Character): string => `${c.firstName} ${c.lastName}`.trim();

const str = z.string();
const optionalText = z.union([z.string(), z.null()]).optional().transform((s) => (s && s !== 'nan' && s !== 'none' ? s : undefined));
const relationship = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : RELATIONSHIPS.indexOf(v.trim() as Relationship);
  if (!(n >= 0 && n < RELATIONSHIPS.length)) {
    ctx.addIssue({ code: 'custom', message: `relationship must be 0..5 or one of ${RELATIONSHIPS.join(', ')}; got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return RELATIONSHIPS[n];
});
const list = z.array(z.string()).transform((xs) => xs.map((x) => x.trim()).filter(Boolean));

const characterRow = z.object({
  agent_id: str.optional(), pk: str.optional(),
  first_name: str, last_name: str.default(''), age: z.coerce.number().int().nonnegative(), occupation: str.default(''),
  gender: str.default(''), gender_pronoun: str.default(''), public_info: str.default(''), big_five: str.default(''),
  moral_values: list.default([]), schwartz_personal_values: list.default([]), personality_and_values: str.default(''),
  decision_making_style: str.default(''), secret: str.default(''), mbti: str.default(''),
}).refine((r) => r.agent_id ?? r.pk, { message: 'needs agent_id (or pk)' }).transform((r): Character => ({
  id: (r.agent_id ?? r.pk)!, firstName: r.first_name, lastName: r.last_name, age: r.age, occupation: r.occupation,
  gender: r.gender, pronouns: r.gender_pronoun, publicInfo: r.public_info, bigFive: r.big_five, moralValues: r.moral_values,
  schwartzValues: r.schwartz_personal_values, personality: r.personality_and_values, decisionMaking: r.decision_making_style,
  secret: r.secret, mbti: r.mbti,
}));

const scenarioRow = z.object({
  env_id: str.optional(), pk: str.optional(), codename: str.default(''), source: str.default(''), scenario: str,
  agent_goals: z.array(str).length(2, 'agent_goals must hold exactly two goals'), relationship,
  age_constraint: optionalText, occupation_constraint: optionalText,
}).refine((r) => r.env_id ?? r.pk, { message: 'needs env_id (or pk)' }).transform((r): Scenario => ({
  id: (r.env_id ?? r.pk)!, codename: r.codename, source: r.source, scenario: r.scenario,
  goals: [r.agent_goals[0], r.agent_goals[1]], relationship: r.relationship,
  ...(r.age_constraint ? { ageConstraint: r.age_constraint } : {}),
  ...(r.occupation_constraint ? { occupationConstraint: r.occupation_constraint } : {}),
}));

const relationshipRow = z.object({
  relationship_id: str.optional(), pk: str.optional(), agent1_id: str.optional(), agent2_id: str.optional(),
  agent_1_id: str.optional(), agent_2_id: str.optional(), relationship, background_story: optionalText,
}).refine((r) => (r.relationship_id ?? r.pk) && (r.agent1_id ?? r.agent_1_id) && (r.agent2_id ?? r.agent_2_id), { message: 'needs relationship_id, agent1_id and agent2_id' })
  .transform((r): RelationshipProfile => ({
    id: (r.relationship_id ?? r.pk)!, characterIds: [(r.agent1_id ?? r.agent_1_id)!, (r.agent2_id ?? r.agent_2_id)!],
    relationship: r.relationship, ...(r.background_story ? { backgroundStory: r.background_story } : {}),
  }));

const comboRow = z.object({
  combo_id: str.optional(), pk: str.optional(), env_id: str, agent_ids: z.array(str).length(2, 'agent_ids must hold exactly two ids'),
}).refine((r) => r.combo_id ?? r.pk, { message: 'needs combo_id (or pk)' })
  .transform((r): Combo => ({ id: (r.combo_id ?? r.pk)!, scenarioId: r.env_id, characterIds: [r.agent_ids[0], r.agent_ids[1]] }));

export const rowSchemas = { character: characterRow, scenario: scenarioRow, relationship: relationshipRow, combo: comboRow };

function issueText(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

/** Parse JSONL text with a row schema; errors name `where:line` and the field. Blank lines are skipped. */
export function parseJsonl<T>(text: string, schema: z.ZodType<T>, where: string): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let obj: unknown;
    try { obj = JSON.parse(line); } catch (e) {
      throw new EpoError('BAD_DATA', `not valid JSON: ${(e as Error).message}`, { where: `${where}:${i + 1}` });
    }
    const r = schema.safeParse(obj);
    if (!r.success) throw new EpoError('BAD_DATA', `bad record: ${issueText(r.error)}`, { where: `${where}:${i + 1}` });
    out.push(r.data);
  }
  return out;
}

export function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new EpoError('MISSING_DATA', `cannot read ${(e as Error).message}; install the data with \`epo data install sotopia\``, { where: path, cause: e });
  }
  return parseJsonl(text, schema, path);
}

export const loadCharacters = (path: string): Character[] => readJsonl(path, characterRow);
export const loadScenarios = (path: string): Scenario[] => readJsonl(path, scenarioRow);
export const loadRelationships = (path: string): RelationshipProfile[] => readJsonl(path, relationshipRow);
export const loadCombos = (path: string): Combo[] => readJsonl(path, comboRow);
