/**
 * The reference release's chat layout for ALFWorld and WebShop, built from its installed files (alfshop.ts). Rules,
 * with the release's file:line (relative to `EPO/Alfshop/eval_agent/`):
 * - opening chat (`prompt/templates.py:18-72`, one example): [user: instruction, assistant: "OK", the example's
 *   messages with roles by position (even user, odd assistant), user: the task (the first observation)];
 * - the strategist's chat then grows by [assistant: its answer, user: "Agent1's" + the actor's answer + observation
 *   text], with no separator (`envs/alfworld_env.py:60-64, 78-82`, `envs/webshop_env.py:48-52, 72-75`);
 * - the actor's chat ends with the strategist's answer as an assistant message (`main.py:33-37`,
 *   `envs/alfworld_env.py:135-140`): the actor continues it, and its answer is appended to that message with no
 *   separator (`alfworld_env.py:51`, `webshop_env.py:44`); after a step it gets [user: observation text,
 *   assistant: the next thought] (`main.py:55-61`);
 * - observation text: ALFWorld "Environment Observation: " + observation without a leading "You arrive at loc N. "
 *   (`alfworld_env.py:15-18, 42, 78`); WebShop "Environment Observation:\n" + observation (`webshop_env.py:67`);
 * - the action is everything after the first "Action:" of the stripped answer, trailing lines included
 *   (`alfworld_env.py:33-38`: `Action:\s?(.*)`, `webshop_env.py:32-37`: `Action: (.*)`, both DOTALL);
 * - generation stops at the agents' stop words (`agents/base.py:14`).
 * An answer with no "Action:" leaves the environment unstepped and counts as a step, as in the release
 * (`alfworld_env.py:55-75`, `webshop_env.py:47-64`); the observation then shown is epo's invalid-answer text after
 * the release's prefix (the release's own sentence lives in Python source that is not among the installed files).
 * The reference has no actor-only baseline, so its layout has none either.
 */
import { EpoError } from '../core/errors.js';
import { assistant, user, type ChatMessage } from '../core/messages.js';
import type { ChatLayout, EpisodeLayout } from '../agents/layout.js';
import type { Parsed } from '../agents/parse.js';
import type { AlfshopEnv, AlfshopReference, IclMessage } from './alfshop.js';

/** The acknowledgement `prompt_with_icl` puts after the instruction (templates.py:25-28). */
const ACK = 'OK';
const STOP = ['\nObservation:', '\nTask:', '\n---'];
const AGENT = "Agent1's";

/** `prompt_with_icl(instruction, raw_icl, task, icl_num=1)` in conversation form: the first example only. */
export function promptWithIcl(instruction: string, icl: IclMessage[][], task: string): ChatMessage[] {
  const messages: ChatMessage[] = [user(instruction)];
  const example = icl[0] ?? [];
  example.forEach((m, j) => {
    if (j === 0) messages.push(assistant(ACK), user(m.content));
    else messages.push(j % 2 === 0 ? user(m.content) : assistant(m.content));
  });
  messages.push(user(task));
  return messages;
}

/** What the models are shown of an observation. */
export function observationText(env: AlfshopEnv, observation: string): string {
  if (env === 'webshop') return `Environment Observation:\n${observation}`;
  const shown = observation.startsWith('You arrive at loc ') ? observation.slice(observation.indexOf('. ') + 2) : observation;
  return `Environment Observation: ${shown}`;
}

const ACTION = { alfworld: /Action:\s?([\s\S]*)/, webshop: /Action: ([\s\S]*)/ } as const;

/** The reference's action parser: the rest of the stripped answer after its first "Action:", trailing text kept. */
export function parseReferenceAction(env: AlfshopEnv, output: string): Parsed {
  const m = ACTION[env].exec(output.trim());
  if (!m) return { value: '', error: output.trim() ? 'no "Action:" in the answer' : 'empty answer', noise: [] };
  return { value: m[1], noise: m[1].includes('\n') ? ['extra lines'] : [] };
}

/** The actor's chat with its answer appended to the open assistant message (the thought), as the reference does. */
function continueLast(input: ChatMessage[], output: string): ChatMessage[] {
  const last = input[input.length - 1];
  if (last?.role !== 'assistant') return [...input, assistant(output)];
  return [...input.slice(0, -1), assistant(last.content + output)];
}

const noSolo = (): never => {
  throw new EpoError('BAD_INPUT', 'the reference protocol has no actor-only baseline (the release always runs a strategist); use --mode epo or single, or --protocol epo', { where: '--mode' });
};

export function referenceLayout(ref: AlfshopReference): ChatLayout {
  const obs = (o: string) => observationText(ref.env, o);
  const layout: EpisodeLayout = {
    strategistStart: (first) => promptWithIcl(ref.strategistInstruction, ref.strategistIcl, first),
    strategistFeedback: (s) => user(`${AGENT}${s.actorOutput}${obs(s.observation)}`),
    actorStart: (first, th) => [...promptWithIcl(ref.actorInstruction, ref.actorIcl, first), assistant(th.output)],
    actorFeedback: (s, th) => [user(obs(s.observation)), assistant(th.output)],
    soloStart: noSolo,
    soloFeedback: noSolo,
    withAnswer: continueLast,
    parseAction: (output) => parseReferenceAction(ref.env, output),
    stop: { strategist: STOP, actor: STOP, solo: STOP },
  };
  return () => layout;
}
