/**
 * The process-reward judge under the reference protocol, as `LLaMA-Factory/data/utils/prm.py` runs it:
 * - the trajectory is the ShareGPT record of the strategist's chat (`human` / `gpt` turns, each with its 0-based
 *   position `index`, and the outcome `score`: the SOTOPIA goal 0–10, the WebShop reward, the ALFWorld 0.0/1.0);
 *   for SOTOPIA the first human turn is first cut to its context and its format block removed, as prm.py does;
 * - one user message: the extracted prompt with the record as Python's `str()` between its two parts, `agent1` /
 *   `agent2` replaced by the names (SOTOPIA), sent once at temperature 0.7, no repair, no vote;
 * - the first `{…}` of the answer (non-greedy), control characters removed, read as JSON; its `indexes` are
 *   positions in the record; positions of human turns are ignored, as the reference's preprocessing ignores them;
 * - a failed judgement keeps the trajectory with its outcome only: the label has no critical turn and says why.
 */
import type { Episode } from '../../core/episode.js';
import { EpoError } from '../../core/errors.js';
import type { Label } from '../../core/label.js';
import type { ChatMessage } from '../../core/messages.js';
import { deriveSeed } from '../../core/random.js';
import type { ChatModel } from '../../llm/model.js';
import type { JudgeFamily, JudgePromptParts } from '../../reference/judge-extract.js';
import { envFamily, outcomeReward, sotopiaGoal, strategistSeats, strategistTurnIndexes } from '../outcome.js';
import { chatPositionsToTurns } from './parse.js';
import { PyFloat, pyRepr, type PyValue } from './python-repr.js';

export interface ShareGptRecord {
  conversations: { from: 'human' | 'gpt'; value: string; index: number }[];
  score: number | PyFloat;
}

/** The strategist's whole chat for a seat: its last request and last answer (a system message opens the first turn). */
export function finalStrategistChat(e: Episode, seat?: number): ChatMessage[] {
  const calls = e.turns.filter((t) => t.strategist && (seat === undefined || t.seat === seat)).map((t) => t.strategist!);
  const last = calls.at(-1);
  if (!last) return [];
  const chat = [...last.input, { role: 'assistant' as const, content: last.output }];
  if (chat[0]?.role === 'system' && chat[1]?.role === 'user') return [{ role: 'user', content: `${chat[0].content}\n\n${chat[1].content}` }, ...chat.slice(2)];
  return chat;
}

const familyOf = (e: Episode): JudgeFamily => {
  const f = envFamily(e.env);
  if (f === 'other') throw new EpoError('BAD_INPUT', `the reference judge has prompts for SOTOPIA, WebShop and ALFWorld only, not "${e.env}"; label it with --protocol epo`, { where: `episode ${e.id}` });
  return f;
};

/** The record as the reference's data has it (before prm.py's changes). */
export function shareGptRecord(e: Episode, seat?: number): ShareGptRecord {
  const family = familyOf(e);
  const conversations = finalStrategistChat(e, seat).map((m, index) => ({ from: m.role === 'assistant' ? 'gpt' as const : 'human' as const, value: m.content, index }));
  const score = family === 'sotopia' ? sotopiaGoal(e, seat ?? 0) ?? outcomeReward(e, seat) * 10 : new PyFloat(outcomeReward(e, seat));
  return { conversations, score };
}

const CONTEXT = 'Here is the context of this interaction:\n';
const FORMAT_START = 'Your output should STRICTLY follow the format';
const FORMAT_END = 'limit it to be a single phrase or sentence within 10 words';

const group = (re: RegExp, s: string, what: string, where: string): string => {
  const m = re.exec(s);
  if (!m) throw new EpoError('BAD_INPUT', `the strategist's first message has no ${what}, which the reference judge reads (was the episode played with --protocol reference?)`, { where });
  return m[1];
};

/** The judge's request for one seat's trajectory, and the roles of the record's positions. */
export function referenceJudgeRequest(e: Episode, parts: Record<JudgeFamily, JudgePromptParts>, seat?: number): { messages: ChatMessage[]; roles: string[] } {
  const family = familyOf(e);
  const record = shareGptRecord(e, seat);
  const where = `episode ${e.id}${seat === undefined ? '' : ` seat ${seat}`}`;
  let names: [string, string] | undefined;
  if (family === 'sotopia') {
    const first = record.conversations.find((c) => c.from === 'human')?.value ?? '';
    names = [group(/Your current objective is to assist (.+?) in reaching their goal/, first, 'name of the guided person', where), group(/in an interaction with (.+?) \n/, first, 'name of the other person', where)];
    const k = first.indexOf(CONTEXT);
    let cut = k < 0 ? first.slice(-1) : first.slice(k); // Python's find gives -1, and [-1:] keeps the last character
    const a = cut.indexOf(FORMAT_START), b = cut.indexOf(FORMAT_END);
    if (a >= 0 && b >= 0) cut = cut.slice(0, a) + cut.slice(b + FORMAT_END.length);
    if (record.conversations[0]) record.conversations[0].value = cut;
  }
  const p = parts[family];
  let content = `${p.before}${pyRepr(record as unknown as PyValue)}${p.after}`;
  if (names) { const [a, b] = names; content = content.replace(/agent1/g, () => a).replace(/agent2/g, () => b); }
  return { messages: [{ role: 'user', content }], roles: record.conversations.map((c) => c.from) };
}

export type ReferenceJudgement = { ok: true; positions: number[]; reasoning: string } | { ok: false; problem: string };

/** prm.py's reading: the first `{…}` (non-greedy, across lines), control characters removed, JSON, its `indexes`. */
export function parseReferenceJudgement(text: string): ReferenceJudgement {
  const m = /\{[\s\S]*?\}/.exec(text);
  if (!m) return { ok: false, problem: 'the answer holds no {…} object' };
  let obj: unknown;
  // eslint-disable-next-line no-control-regex -- the reference removes exactly these characters before decoding
  try { obj = JSON.parse(m[0].replace(/[\x00-\x1f\x7f-\x9f]/g, '')); } catch (err) {
    return { ok: false, problem: `its first {…} is not JSON (${(err as Error).message})` };
  }
  const o = obj as { indexes?: unknown; reasoning?: unknown } | null;
  if (!o || typeof o !== 'object' || !('indexes' in o)) return { ok: false, problem: 'its first {…} has no "indexes"' };
  const list = Array.isArray(o.indexes) ? o.indexes : [];
  if (!Array.isArray(o.indexes)) return { ok: false, problem: '"indexes" is not a list' };
  // the reference compares positions with `in` over a set: 3 and 3.0 match a position, "3" does not
  const positions = list.filter((x): x is number => typeof x === 'number' && Number.isInteger(x));
  return { ok: true, positions, reasoning: typeof o.reasoning === 'string' ? o.reasoning : '' };
}

export interface ReferenceJudgeOptions {
  model: ChatModel;
  prompts: Record<JudgeFamily, JudgePromptParts>;
  /** Reference: 0.7. */
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  labeler?: string;
  signal?: AbortSignal;
}

/** Label one episode as the reference does; never throws for a bad answer (the label then carries the outcome only). */
export async function referenceJudgeEpisode(e: Episode, o: ReferenceJudgeOptions): Promise<Label> {
  const all = strategistTurnIndexes(e);
  const position = new Map(all.map((turn, k) => [turn, k]));
  const rewards = all.map(() => 0);
  const critical: number[] = [], reasoning: string[] = [], failures: string[] = [];
  const temperature = o.temperature ?? 0.7;
  for (const seat of strategistSeats(e)) {
    const { messages, roles } = referenceJudgeRequest(e, o.prompts, seat);
    const res = await o.model.complete({ messages, temperature, maxTokens: o.maxTokens, seed: deriveSeed(o.seed ?? 0, e.id, seat ?? -1, 0), signal: o.signal });
    const j = parseReferenceJudgement(res.text);
    const tag = seat === undefined ? '' : `seat ${seat}: `;
    if (!j.ok) { failures.push(`${tag}${j.problem}`); continue; }
    const mine = strategistTurnIndexes(e, seat);
    for (const k of chatPositionsToTurns(j.positions, roles).turns) {
      const pos = position.get(mine[k]);
      if (pos === undefined) continue;
      rewards[pos] = 1; critical.push(pos);
    }
    if (j.reasoning.trim()) reasoning.push(`${tag}${j.reasoning.trim()}`);
  }
  critical.sort((a, b) => a - b);
  return {
    labeler: o.labeler ?? `judge:${o.model.spec}`, rewards, critical, reasoning: reasoning.join('\n'), judge: o.model.spec, temperature,
    protocol: 'reference', ...(failures.length ? { failed: failures.join('; ') } : {}),
  };
}
