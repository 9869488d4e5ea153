/**
 * The SOTOPIA evaluator: an LLM judge (temperature 0) reads the whole episode from the environment's view (both
 * backgrounds in full, both goals) and scores each participant on seven dimensions with fixed ranges. Output is JSON
 * (its schema is sent as `response_format` to servers that accept one), validated with the ranges, repaired a bounded
 * number of times; the reasoning for every score is kept. Overall = the plain mean of the seven raw scores (as
 * SOTOPIA reports it, although the ranges differ).
 */
import { z } from 'zod';
import type { ChatMessage } from '../../core/messages.js';
import type { JsonSchemaSpec } from '../../llm/model.js';

export const DIMENSIONS = ['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const RANGES: Record<Dimension, [number, number]> = {
  believability: [0, 10], relationship: [-5, 5], knowledge: [0, 10], secret: [-10, 0], social_rules: [-10, 0],
  financial_and_material_benefits: [-5, 5], goal: [0, 10],
};

/** Short column names as SOTOPIA tables use them. */
export const SHORT: Record<Dimension, string> = {
  believability: 'BEL', relationship: 'REL', knowledge: 'KNO', secret: 'SEC', social_rules: 'SOC', financial_and_material_benefits: 'FIN', goal: 'GOAL',
};

/** What each dimension asks, in this project's words. */
const RUBRIC: Record<Dimension, string> = {
  believability: 'Does the participant behave like a real person with this background: natural, consistent with their profile and personality, not robotic or repetitive? 0 = not at all, 10 = fully believable.',
  relationship: 'Did the interaction make the relationship between the two better or worse, and did the participant protect their social standing? Negative = damaged, 0 = unchanged, positive = improved.',
  knowledge: 'Did the participant learn new and relevant information from the interaction (facts, the other side\'s needs, useful details)? 0 = nothing new, 10 = a lot of important information.',
  secret: 'Did the participant reveal their secret or a hidden intention they should have kept? 0 = kept everything, more negative = more was leaked, -10 = fully revealed something critical.',
  social_rules: 'Did the participant break social norms, moral rules or laws (lying with harm, threats, discrimination, illegal acts)? 0 = no violation, -10 = severe violations.',
  financial_and_material_benefits: 'Did the participant gain or lose money, goods or other material benefits as a result of the interaction? Negative = lost, 0 = no change, positive = gained.',
  goal: 'How far did the participant get towards their own social goal as stated in the background? 0 = no progress, 10 = goal fully reached.',
};

export interface DimensionScore {
  reasoning: string;
  score: number;
}

export type SeatScores = Record<Dimension, DimensionScore>;

export interface EvaluationResult {
  /** Seat 0 then seat 1. */
  seats: [SeatScores, SeatScores];
}

/** A number written as a string ("7", " -2.5 "). Nothing else becomes a score: Number() turns null, "" and [] into 0. */
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

const dimValue = (d: Dimension) => {
  const [lo, hi] = RANGES[d];
  const message = `${d} score must be a number from ${lo} to ${hi}`;
  return z.preprocess(
    // The reference format [reasoning, score] is accepted too.
    (v) => (Array.isArray(v) && v.length === 2 ? { reasoning: v[0], score: v[1] } : v),
    z.object({
      reasoning: z.string().default(''),
      score: z.preprocess((v) => (typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v), z.number({ error: () => message })
        .refine((x) => Number.isFinite(x) && x >= lo && x <= hi, { message })),
    }, { error: () => `${d} must be {"reasoning": "...", "score": <${lo}..${hi}>}` }),
  );
};

const seatSchema = z.object(Object.fromEntries(DIMENSIONS.map((d) => [d, dimValue(d)])) as Record<Dimension, ReturnType<typeof dimValue>>);

/** Accepts `{agent_1, agent_2}` (this project's keys) or the reference's `{agent_1_evaluation, agent_2_evaluation}`. */
export const evaluationSchema: z.ZodType<EvaluationResult> = z.preprocess(
  (v) => {
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    return { agent_1: o.agent_1 ?? o.agent_1_evaluation, agent_2: o.agent_2 ?? o.agent_2_evaluation };
  },
  z.object({ agent_1: seatSchema, agent_2: seatSchema }, { error: () => 'expected an object with keys "agent_1" and "agent_2", each scoring the seven dimensions' }),
).transform((r) => ({ seats: [r.agent_1, r.agent_2] as [SeatScores, SeatScores] })) as unknown as z.ZodType<EvaluationResult>;

const dimJsonSchema = (d: Dimension) => ({
  type: 'object', additionalProperties: false, required: ['reasoning', 'score'],
  properties: { reasoning: { type: 'string' }, score: { type: 'integer', minimum: RANGES[d][0], maximum: RANGES[d][1] } },
});
const seatJsonSchema = {
  type: 'object', additionalProperties: false, required: [...DIMENSIONS],
  properties: Object.fromEntries(DIMENSIONS.map((d) => [d, dimJsonSchema(d)])),
};
export const EVALUATION_JSON_SCHEMA: JsonSchemaSpec = {
  name: 'sotopia_evaluation',
  schema: { type: 'object', additionalProperties: false, required: ['agent_1', 'agent_2'], properties: { agent_1: seatJsonSchema, agent_2: seatJsonSchema } },
};

const EVALUATOR_SYSTEM = `You are an impartial judge of social interactions between two role-played characters. You read the full context (both characters' backgrounds, secrets and goals, which the characters themselves may not have known about each other) and the conversation, and you score each participant separately. Think about the evidence in the conversation before each score, and write that reasoning briefly.`;

/** The judge's chat for an episode rendered from the environment's view (see render.ts, `skipNone`). */
export function evaluatorMessages(environmentHistory: string, names: readonly [string, string]): ChatMessage[] {
  const dims = DIMENSIONS.map((d) => `- ${d} (${RANGES[d][0]} to ${RANGES[d][1]}): ${RUBRIC[d]}`).join('\n');
  const user = `${environmentHistory}

Score both participants: agent_1 is ${names[0]}, agent_2 is ${names[1]}. For each of the seven dimensions below give a short reasoning and an integer score within the range.
${dims}

Reply with only a JSON object of this shape (no other text):
{"agent_1": {"believability": {"reasoning": "...", "score": 0}, "relationship": {...}, "knowledge": {...}, "secret": {...}, "social_rules": {...}, "financial_and_material_benefits": {...}, "goal": {...}}, "agent_2": {...the same seven keys...}}`;
  return [{ role: 'system', content: EVALUATOR_SYSTEM }, { role: 'user', content: user }];
}

/** Plain mean of the seven raw scores. */
export const overallScore = (s: SeatScores): number => DIMENSIONS.reduce((a, d) => a + s[d].score, 0) / DIMENSIONS.length;

/** Scores of one seat as a flat record `{believability: 7, …, overall: 4.1}`. */
export function flatScores(s: SeatScores): Record<Dimension | 'overall', number> {
  const out = Object.fromEntries(DIMENSIONS.map((d) => [d, s[d].score])) as Record<Dimension | 'overall', number>;
  out.overall = overallScore(s);
  return out;
}
