/**
 * Strategist transcripts from ALFWorld expert walkthroughs: each game's walkthrough is played in the real engine and
 * every action gets a `Thought: …` line written by a small template of ours (what to do next and why), so the chat
 * is (first observation with the task → Thought, observation → Thought, …) in the household strategist format.
 */
import type { ChatMessage } from '../../core/messages.js';
import { createRng, type Rng } from '../../core/random.js';
import { AlfworldEnv, loadAlfworldTasks, walkthrough } from '../../envs/alfworld/index.js';

/** The Thought for one expert action, given what has been done so far (holding an object or not). */
export function thoughtFor(action: string, task: string, holding: string | undefined, rng: Rng): string {
  let m: RegExpMatchArray | null;
  if ((m = action.match(/^go to (.+)$/))) {
    const place = m[1];
    return holding
      ? rng.pick([`I have the ${holding}. Next I should go to ${place}.`, `Carry the ${holding} to ${place}.`])
      : rng.pick([`To ${task}, I first need to find the object. Check ${place}.`, `The object is not found yet; go to ${place} and look there.`]);
  }
  if ((m = action.match(/^open (.+)$/))) return rng.pick([`${m[1]} is closed. Open it and look inside.`, `Open ${m[1]} to see what it holds.`]);
  if ((m = action.match(/^close (.+)$/))) return `Close ${m[1]}.`;
  if ((m = action.match(/^take (.+) from (.+)$/))) return rng.pick([`I found ${m[1]} in/on ${m[2]}. Take it.`, `${m[1]} is here. Pick it up from ${m[2]}.`]);
  if ((m = action.match(/^(clean|heat|cool) (.+) with (.+)$/))) return `Now ${m[1]} ${m[2]} with ${m[3]}.`;
  if ((m = action.match(/^(?:put|move) (.+) (?:in\/on|to) (.+)$/))) return rng.pick([`Put ${m[1]} in/on ${m[2]} to finish this part of the task.`, `I am at ${m[2]}. Place ${m[1]} there.`]);
  if ((m = action.match(/^use (.+)$/))) return `Turn on ${m[1]} to look at the object under its light.`;
  return `Next: ${action}.`;
}

/** One chat per game in `folder` (any split folder of json_2.1.1), walkthrough played in the engine. */
export function alfworldWalkthroughChats(folder: string, seed: number, limit = Infinity): ChatMessage[][] {
  const tasks = loadAlfworldTasks({ split: folder, order: 'sorted' }).slice(0, limit);
  const env = new AlfworldEnv();
  const rng = createRng(seed);
  return tasks.map((task) => {
    const first = env.reset(task);
    const goal = (first.match(/Your task is to: (.+?)\.?$/m)?.[1] ?? 'solve the task').trim();
    const chat: ChatMessage[] = [];
    let observation = first;
    let holding: string | undefined;
    for (const action of walkthrough(task)) {
      chat.push({ role: 'user', content: chat.length === 0 ? observation : `Observation: ${observation}` });
      chat.push({ role: 'assistant', content: `Thought: ${thoughtFor(action, goal, holding, rng)}` });
      const r = env.step(action);
      observation = r.observation;
      const took = action.match(/^take (.+?) from /);
      if (took) holding = took[1];
      if (/^(put|move) /.test(action)) holding = undefined;
      if (r.done) break;
    }
    return chat;
  });
}
