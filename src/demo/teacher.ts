/**
 * The demo's teacher: a scripted strategist for "put an object on/in a receptacle" household games that reads its own
 * chat (task, actions, observations) and proposes the next step like a sensible person: search unvisited places in a
 * random order, take the object when seen, carry it to the target, place it. With probability `noise` it proposes a
 * random other step instead (an aimless move, a revisit, a look around). Its episodes are the pretraining corpus of
 * the demo's built-in strategist, so that the strategist starts as a noisy imitation of it and self-play has room
 * to improve. Thoughts are one short line naming the sub-goal by its role (`find the mug; go to a new place`,
 * `take it`, `now go to the target`, `move it to the target`); the rule actor grounds them in the admissible commands
 * with the task sentence and its own history.
 */
import type { ChatMessage } from '../core/messages.js';
import { createRng, deriveSeed } from '../core/random.js';
import { estimateTokens, type ChatModel, type CompletionResult } from '../llm/model.js';

export interface TeacherState {
  object: string;
  target: string;
  places: string[];
  visited: Set<string>;
  at?: string;
  /** Where the object was seen, and its name there (e.g. "mug 1"). */
  seen?: { place: string; item: string };
  holding?: string;
}

/** Read the game state the teacher needs from a strategist chat (first user message: task; then feedback). */
export function readChat(messages: readonly ChatMessage[]): TeacherState | undefined {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content);
  const first = users[0] ?? '';
  const task = /Your task is to: put (?:a|an|some) ([a-z]+) (?:in|on|in\/on) ([a-z]+)/.exec(first);
  const seeList = /you see (.*)\./.exec(first);
  if (!task || !seeList) return undefined;
  const places = seeList[1].replace(/, and /g, ', ').replace(/^and /, '').split(', ').map((p) => p.replace(/^an? /, '').trim()).filter(Boolean);
  const s: TeacherState = { object: task[1], target: task[2], places, visited: new Set() };
  const look = (obs: string, place: string) => {
    const m = new RegExp(`\\b(?:a|an) (${s.object} \\d+)`).exec(obs);
    if (m && !s.holding) s.seen = { place, item: m[1] };
  };
  for (const u of users.slice(1)) {
    const a = /Actor's action: (.*)/.exec(u)?.[1]?.trim() ?? '';
    const obs = /Observation: ([\s\S]*)/.exec(u)?.[1] ?? '';
    const go = /^go to (.+)$/.exec(a);
    if (go && obs.startsWith('You arrive')) { s.at = go[1]; s.visited.add(go[1]); look(obs, go[1]); }
    const take = /^take (.+) from (.+)$/.exec(a);
    if (take && obs.startsWith('You pick up')) { s.holding = take[1]; s.seen = undefined; }
  }
  return s;
}

/** The sensible next step and its thought (the rule actor grounds role words: "a new place", "it", "the target"). */
export function teacherStep(s: TeacherState, _pick: <T>(xs: T[]) => T): { thought: string; command: string } {
  const targetPlace = s.places.find((p) => p.startsWith(`${s.target} `)) ?? `${s.target} 1`;
  if (s.holding) {
    if (s.at === targetPlace) return { thought: 'at the target', command: 'move it to the target' };
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
