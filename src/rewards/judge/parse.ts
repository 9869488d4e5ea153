/**
 * Reading the judge's answer: a JSON object `{ "indexes": [...], "reasoning": "..." }` where indexes are the numbers
 * of strategist turns as shown in the prompt (1-based). Returned 0-based. A problem is described in words so that the
 * repair message can tell the judge exactly what to fix.
 */
import type { ChatMessage } from '../../core/messages.js';
import { extractJson } from '../../llm/json-extract.js';

export interface JudgeAnswer {
  /** 0-based strategist-turn indexes, sorted, unique. */
  indexes: number[];
  reasoning: string;
  /** Numbers the judge gave that are not strategy numbers (out of range, not integers). */
  invalid: unknown[];
}

export type ParseResult = { ok: true; answer: JudgeAnswer } | { ok: false; problem: string; partial?: JudgeAnswer };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const hasIndexes = (v: unknown) => isObject(v) && ('indexes' in v || 'indices' in v);

/** Parse an answer for a trajectory with `n` numbered strategies. Invalid numbers make it not ok (but partial). */
export function parseJudgeAnswer(text: string, n: number): ParseResult {
  const found = extractJson(text, { accept: hasIndexes });
  if (!found.ok) {
    return extractJson(text).ok
      ? { ok: false, problem: 'the JSON object has no "indexes" field' }
      : { ok: false, problem: 'the answer contains no JSON object' };
  }
  const obj = found.value as Record<string, unknown>;
  const raw = obj.indexes ?? obj.indices;
  if (!Array.isArray(raw)) return { ok: false, problem: '"indexes" must be a list of strategy numbers' };
  const picked = new Set<number>();
  const invalid: unknown[] = [];
  for (const v of raw) {
    const k = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(k) && k >= 1 && k <= n) picked.add(k - 1);
    else invalid.push(v);
  }
  const answer: JudgeAnswer = {
    indexes: [...picked].sort((a, b) => a - b),
    reasoning: typeof obj.reasoning === 'string' ? obj.reasoning : '',
    invalid,
  };
  if (invalid.length) {
    return { ok: false, partial: answer, problem: `${invalid.map((v) => JSON.stringify(v)).join(', ')} ${invalid.length === 1 ? 'is not a strategy number' : 'are not strategy numbers'}; the strategies are numbered 1 to ${n}` };
  }
  return { ok: true, answer };
}

/** The follow-up message asking the judge to fix its answer. */
export function repairMessage(problem: string): ChatMessage {
  return {
    role: 'user',
    content: `Your answer could not be used: ${problem}. Reply again with only the JSON object {"indexes": [...], "reasoning": "..."}, using the strategy numbers shown.`,
  };
}

/**
 * Reference-format data marks critical turns by their position in the whole conversation (human turns counted too).
 * Map such positions to 0-based assistant-turn indexes; positions of non-assistant messages are dropped and returned.
 */
export function chatPositionsToTurns(positions: readonly number[], roles: readonly string[]): { turns: number[]; dropped: number[] } {
  const turnOf = new Map<number, number>();
  let k = 0;
  roles.forEach((r, i) => { if (r === 'assistant' || r === 'gpt') turnOf.set(i, k++); });
  const turns = new Set<number>(), dropped: number[] = [];
  for (const p of positions) {
    const t = turnOf.get(p);
    if (t === undefined) dropped.push(p); else turns.add(t);
  }
  return { turns: [...turns].sort((a, b) => a - b), dropped };
}
