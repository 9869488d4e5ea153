/**
 * One-shot examples built by the project: a walkthrough is played in the real engine (so every observation is what
 * the engine says), and each step gets a thought written from the action and the ones that follow it. Nothing is
 * copied from elsewhere; the example always matches the engine's current wording.
 */
import type { TextEnv, Task } from '../core/env.js';
import { EpoError } from '../core/errors.js';
import type { Example } from './roles.js';

/** Writes the strategist's thought for step i of a walkthrough (it may look ahead: the example knows the answer). */
export type ThoughtWriter = (actions: readonly string[], i: number, task: string) => string;

export async function playExample<T extends Task>(env: TextEnv<T>, task: T, actions: readonly string[], thought: ThoughtWriter, seed = 0): Promise<Example> {
  const first = await env.reset(task, seed);
  const steps: Example['steps'] = [];
  for (let i = 0; i < actions.length; i++) {
    const r = await env.step(actions[i]);
    steps.push({ thought: thought(actions, i, first), action: actions[i], observation: r.observation });
    if (r.done) {
      if (i < actions.length - 1) break;
      return { task: first, steps };
    }
  }
  throw new EpoError('BAD_DATA', `the walkthrough of task ${task.id} does not finish the game (${actions.length} actions)`, { where: task.id });
}

const ALF = {
  go: /^go to (.+)$/, take: /^take (.+) from (.+)$/, place: /^(?:move|put) (.+?) (?:to|in\/on|in|on) (.+)$/,
  treat: /^(heat|cool|clean) (.+) with (.+)$/, use: /^use (.+)$/, open: /^open (.+)$/, slice: /^slice (.+) with (.+)$/,
};

/** ALFWorld thoughts: the sub-goal each walkthrough step serves, in the project's own words. */
export const alfworldThought: ThoughtWriter = (actions, i) => {
  const a = actions[i];
  const before = actions.slice(0, i), later = actions.slice(i + 1);
  const holding = before.filter((x) => ALF.take.test(x)).length > before.filter((x) => ALF.place.test(x)).length;
  const placedOne = before.some((x) => ALF.place.test(x));
  // the next step that is not opening a receptacle decides why we walk somewhere
  const purpose = later.find((x) => !ALF.open.test(x)) ?? '';
  const opens = ALF.open.test(later[0] ?? '');
  let m: RegExpExecArray | null;
  if ((m = ALF.go.exec(a))) {
    const place = m[1], inside = opens ? ' (it is closed, so open it first)' : '';
    let n: RegExpExecArray | null;
    if ((n = ALF.take.exec(purpose))) {
      return `${placedOne ? `Now find the second ${stem(n[1])}` : `I need to find the ${stem(n[1])} first`}; ${place} is a likely spot, so check it${inside}.`;
    }
    if ((n = ALF.place.exec(purpose))) return `I am holding the ${stem(n[1])}; bring it to ${place}${inside}.`;
    if ((n = ALF.treat.exec(purpose))) return `The ${stem(n[2])} must be ${n[1] === 'heat' ? 'heated' : n[1] === 'cool' ? 'cooled' : 'cleaned'}; take it to ${place}.`;
    if ((n = ALF.use.exec(purpose))) return `The ${stem(n[1])} is at ${place}; go there to look at things under its light.`;
    return holding ? `Carry on to ${place}.` : `Keep searching: go to ${place}.`;
  }
  if ((m = ALF.open.exec(a))) return `${cap(m[1])} is closed; open it${holding ? '' : ' to see what is inside'}.`;
  if ((m = ALF.take.exec(a))) return `The ${stem(m[1])} is here; pick it up.`;
  if ((m = ALF.treat.exec(a))) return `${cap(m[1])} the ${stem(m[2])} with ${m[3]}, as the task asks.`;
  if ((m = ALF.place.exec(a))) {
    const where = `${CONTAINER.test(m[2]) ? 'in' : 'on'} ${m[2]}`;
    return later.length ? `Put the ${stem(m[1])} ${where}, then fetch the next one.` : `Put the ${stem(m[1])} ${where}; that completes the task.`;
  }
  if ((m = ALF.use.exec(a))) return `Switch on the ${stem(m[1])} to examine the object under its light.`;
  if ((m = ALF.slice.exec(a))) return `Slice the ${stem(m[1])} with ${m[2]}.`;
  return `Next: ${a}.`;
};

/** Receptacles things go in (rather than on). */
const CONTAINER = /^(fridge|drawer|cabinet|microwave|safe|garbagecan|box|sinkbasin|bathtubbasin|cart|laundryhamper|toilet)\b/;

const ASIN = /^b[0-9a-z]{9}$/i;

/** WebShop thoughts: search with the goal's key words, open the best result, set each option, buy. */
export const webshopThought: ThoughtWriter = (actions, i) => {
  const a = actions[i];
  let m: RegExpExecArray | null;
  if ((m = /^search\[(.*)\]$/i.exec(a))) return `Search with the key words of the request: ${m[1]}.`;
  if ((m = /^click\[(.*)\]$/i.exec(a))) {
    const v = m[1];
    if (v.toLowerCase() === 'buy now') return 'Every required option is selected and the price is within the limit; buy it.';
    if (ASIN.test(v)) return `Result ${v} matches the requested attributes and costs less than the limit; open it.`;
    if (/^(next >|< prev|back to search)$/i.test(v)) return `Nothing here fits; ${v.toLowerCase() === 'next >' ? 'look at the next page' : 'go back'}.`;
    return `Select the option "${v}" that the request asks for.`;
  }
  return `Next: ${a}.`;
};

/** "mug 1" → "mug": objects are named by type in thoughts. */
const stem = (o: string) => o.replace(/\s+\d+$/, '');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
