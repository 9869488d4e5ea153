/**
 * The demo's teacher: a scripted strategist for the demo's household games (put X on/in Y; clean/heat/cool X and
 * put it in Y; examine X under a lamp) that reads its own chat (task, actions, observations) and proposes the next
 * step like a sensible person: search unvisited places in a random order, take the object when seen, clean/heat/cool
 * it at the sinkbasin/microwave/fridge, carry it to the target and place it, or find the lamp and turn it on. With
 * probability `noise` it proposes a random other step instead (an aimless move, a revisit, a look around). Its
 * episodes are the pretraining corpus of the demo's built-in strategist, so that the strategist starts as a noisy
 * imitation of it and self-play has room to improve. Thoughts are one short line naming the sub-goal by its role
 * (`find the mug; go to a new place`, `take it`, `clean it first; go to the sinkbasin`, `now go to the target`,
 * `use the desklamp`); the rule actor grounds them in the admissible commands with the task sentence and its own
 * history.
 */
import type { ChatMessage } from '../core/messages.js';
import { createRng, deriveSeed } from '../core/random.js';
import { estimateTokens, type ChatModel, type CompletionResult } from '../llm/model.js';

export type Treatment = 'clean' | 'heat' | 'cool';

/** The appliance each treatment needs (the generator's tools, as the games name them). */
export const TOOLS: Record<Treatment, string> = { clean: 'sinkbasin', heat: 'microwave', cool: 'fridge' };

/** What a task sentence asks for: the object, and a target receptacle, a treatment before placing, or a lamp. */
export interface TaskGoal { object: string; target?: string; treat?: Treatment; lamp?: string }

const ADJECTIVE: Record<string, Treatment> = { clean: 'clean', hot: 'heat', cool: 'cool' };

/** Parse the sentence after "Your task is to: " in any phrasing of the pick-and-place, clean/heat/cool and look
 *  task types (undefined for the others, e.g. pick-two). */
export function parseTask(sentence: string): TaskGoal | undefined {
  let m = /^put (?:a|an|some) (?:(clean|hot|cool) )?([a-z]+) (?:in|on|in\/on) ([a-z]+)/.exec(sentence);
  if (m) return { object: m[2], target: m[3], ...(m[1] ? { treat: ADJECTIVE[m[1]] } : {}) };
  m = /^(clean|heat|cool) some ([a-z]+) and put it (?:in|on|in\/on) ([a-z]+)/.exec(sentence);
  if (m) return { object: m[2], target: m[3], treat: m[1] as Treatment };
  m = /^(?:look at|examine the) ([a-z]+) (?:under|with) the ([a-z]+)/.exec(sentence);
  if (m) return { object: m[1], lamp: m[2] };
  return undefined;
}

export interface TeacherState extends TaskGoal {
  places: string[];
  visited: Set<string>;
  at?: string;
  /** Where the object was seen, and its name there (e.g. "mug 1"). */
  seen?: { place: string; item: string };
  holding?: string;
  /** The object has been cleaned/heated/cooled. */
  treated?: boolean;
  /** Where the lamp was seen. */
  lampAt?: string;
}

/** Read the game state the teacher needs from a strategist chat (first user message: task; then feedback). */
export function readChat(messages: readonly ChatMessage[]): TeacherState | undefined {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const first = users[0] ?? '';
  const goal = parseTask(/Your task is to: ([^\n]*)/.exec(first)?.[1]?.trim() ?? '');
  const seeList = /you see (.*)\./.exec(first);
  if (!goal || !seeList) return undefined;
  const places = seeList[1].replace(/, and /g, ', ').replace(/^and /, '').split(', ').map((p) => p.replace(/^an? /, '').trim()).filter(Boolean);
  const s: TeacherState = { ...goal, places, visited: new Set() };
  const look = (obs: string, place: string) => {
    const m = new RegExp(`\\b(?:a|an) (${s.object} \\d+)`).exec(obs);
    if (m && !s.holding) s.seen = { place, item: m[1] };
    if (s.lamp && new RegExp(`\\b(?:a|an) ${s.lamp} \\d+`).test(obs)) s.lampAt = place;
  };
  for (const u of users.slice(1)) {
    const a = /Actor's action: (.*)/.exec(u)?.[1]?.trim() ?? '';
    const obs = /Observation: ([\s\S]*)/.exec(u)?.[1] ?? '';
    const go = /^go to (.+)$/.exec(a);
    if (go && obs.startsWith('You arrive')) { s.at = go[1]; s.visited.add(go[1]); look(obs, go[1]); }
    const take = /^take (.+) from (.+)$/.exec(a);
    if (take && obs.startsWith('You pick up')) { s.holding = take[1]; s.seen = undefined; }
    if (s.treat && new RegExp(`^You ${s.treat} `).test(obs)) s.treated = true;
  }
  return s;
}

/** The sensible next step and its thought (the rule actor grounds role words: "a new place", "it", "the target"). */
export function teacherStep(s: TeacherState, _pick: <T>(xs: T[]) => T): { thought: string; command: string } {
  // any receptacle of the type will do (a room may have drawer 1 and drawer 2)
  const atA = (type: string | undefined) => !!type && !!s.at?.startsWith(`${type} `);
  if (s.holding) {
    if (s.treat && !s.treated) {
      const tool = TOOLS[s.treat];
      if (atA(tool)) return { thought: `at the ${tool}`, command: `${s.treat} it with the ${tool}` };
      return { thought: `${s.treat} it first`, command: `go to the ${tool}` };
    }
    if (s.lamp) {
      if (s.lampAt && s.at === s.lampAt) return { thought: `the ${s.lamp} is here`, command: `use the ${s.lamp}` };
      if (s.lampAt) return { thought: `the ${s.lamp} was at ${s.lampAt}`, command: `go to ${s.lampAt}` };
      return { thought: `find the ${s.lamp}`, command: 'go to a new place' };
    }
    if (atA(s.target)) return { thought: 'at the target', command: 'move it to the target' };
    return { thought: 'got it', command: 'now go to the target' };
  }
  if (s.seen) {
    if (s.at === s.seen.place) return { thought: `the ${s.object} is here`, command: 'take it' };
    return { thought: `the ${s.object} was at ${s.seen.place}`, command: `go to ${s.seen.place}` };
  }
  return { thought: `find the ${s.object}`, command: 'go to a new place' };
}

/** An aimless step: a place at random (visited or not) or a look around. */
export function noiseStep(s: TeacherState, pick: <T>(xs: T[]) => T): { thought: string; command: string } {
  const options = [...s.places.map((p) => `go to ${p}`), 'look', 'inventory'];
  return { thought: pick(['look around', 'try somewhere', 'not sure']), command: pick(options) };
}

export const formatThought = (t: { thought: string; command: string }): string => `Thought: ${t.thought}; ${t.command}.`;

/** The teacher as a ChatModel (for runEpisode). Deterministic in the request seed. */
export function teacherModel(noise: number, spec = `scripted:household-teacher?noise=${noise}`): ChatModel {
  return {
    spec,
    async complete(req): Promise<CompletionResult> {
      const rng = createRng(deriveSeed(req.seed ?? 0, 'teacher'));
      const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)];
      const s = readChat(req.messages);
      const step = !s ? { thought: 'look around', command: 'look' } : rng.next() < noise ? noiseStep(s, pick) : teacherStep(s, pick);
      const text = formatThought(step);
      return { text, usage: { promptTokens: req.messages.reduce((n, m) => n + estimateTokens(m.content), 0), completionTokens: estimateTokens(text) }, finishReason: 'stop', model: 'household-teacher' };
    },
  };
}
