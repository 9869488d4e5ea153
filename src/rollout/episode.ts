/**
 * One episode of strategist ⇄ actor ⇄ environment. Every model call is recorded with its exact input chat, output,
 * usage and time; a malformed answer becomes an invalid action (counted, the environment is not stepped) and never
 * ends the episode early. The loop stops at `done` or at the step limit, and never asks the strategist again after
 * the last step. When the episode's signal aborts (its time limit, or the user's interrupt) the episode throws the
 * signal's reason instead of returning: a cut-short episode is an infrastructure failure, not a task result, so the
 * scheduler does not store it and the next run plays it again.
 *
 * Modes: `epo` (strategist + actor), `single` (one model in both roles, two calls per step), `actor-only` (the
 * actor writes its own thought and action: the baseline).
 */
import type { Call, Episode, ModelRef, Outcome, Turn } from '../core/episode.js';
import { episodeId } from '../core/episode.js';
import type { TextEnv, Task, StepResult } from '../core/env.js';
import type { ChatMessage } from '../core/messages.js';
import { deriveSeed } from '../core/random.js';
import type { ChatModel } from '../llm/model.js';
import { epoLayout, type ChatLayout, type StepView } from '../agents/layout.js';
import { parseThought } from '../agents/parse.js';
import { reply, type EnvPrompts, type Example } from '../agents/roles.js';

export type Mode = 'epo' | 'single' | 'actor-only';
export const MODES: Mode[] = ['epo', 'single', 'actor-only'];

/** A model in a role, with the sampling settings sent on every call (recorded as the role's ModelRef). */
export interface RoleModel {
  model: ChatModel;
  ref: ModelRef;
}

export interface EpisodeSetup<T extends Task = Task> {
  run: string;
  mode: Mode;
  prompts: EnvPrompts;
  /** One-shot example for a task (undefined: zero-shot). */
  example?(task: T): Example | undefined;
  strategist?: RoleModel;
  actor: RoleModel;
  maxSteps: number;
  /** Offer the environment's admissible actions to the actor (off by default, as in the reference). */
  showAdmissible?: boolean;
  /** Put instructions in a system message (default) or at the top of the first user message. */
  systemRole?: boolean;
  /** How the chats are laid out (default: epo's own; `--protocol reference` gives the release's). */
  layout?: ChatLayout;
  /** The protocol's name, recorded in each episode's outcome when it is not epo's own. */
  protocol?: string;
  /** The episode's result from its turns: reward and success, environment-specific. */
  outcome(turns: Turn[], reason: string): Outcome;
  codeVersion: string;
  dataVersion?: string;
  /** Task fields worth storing with the episode (defaults to the whole task). */
  taskRecord?(task: T): Record<string, unknown>;
}

export interface EpisodeInput<T extends Task = Task> {
  task: T;
  env: TextEnv<T>;
  trial: number;
  seed: number;
  signal?: AbortSignal;
}

export async function runEpisode<T extends Task>(setup: EpisodeSetup<T>, input: EpisodeInput<T>): Promise<Episode> {
  const { task, env, trial, seed, signal } = input;
  const startedAt = new Date().toISOString();
  const strategist = setup.mode === 'epo' ? setup.strategist : setup.mode === 'single' ? setup.strategist ?? setup.actor : undefined;
  if (setup.mode !== 'actor-only' && !strategist) throw new Error(`mode ${setup.mode} needs a strategist model`);
  const actor = setup.mode === 'single' ? strategist! : setup.actor;
  const example = setup.example?.(task);
  const p = setup.prompts;
  const L = (setup.layout ?? epoLayout)({ prompts: p, example, systemRole: setup.systemRole ?? true });

  const first = await env.reset(task, seed);
  const admissible = async () => (setup.showAdmissible && env.admissibleActions ? await env.admissibleActions() : undefined);

  const turns: Turn[] = [];
  let sChat: ChatMessage[] | undefined; // strategist's chat: grows by [assistant, user] only
  let aChat: ChatMessage[] | undefined; // actor's chat
  let reason = 'max_steps';
  let last: StepView | undefined; // the previous step, for the feedback of both roles

  for (let k = 0; k < setup.maxSteps; k++) {
    throwIfAborted(signal);
    const t0 = performance.now();
    let thoughtCall: Call | undefined, actorCall: Call, thought = '';
    try {
      const options = await admissible();
      if (strategist) {
        sChat ??= L.strategistStart(first);
        thoughtCall = await call(strategist, sChat, L.stop.strategist, deriveSeed(seed, 'strategist', k), signal);
        const th = parseThought(thoughtCall.output);
        if (th.error) thoughtCall.parseError = th.error;
        thought = th.value;
        const view = { output: thoughtCall.output, value: thought };
        const aIn = aChat ? [...aChat, ...L.actorFeedback(last!, view, options)] : L.actorStart(first, view, options);
        actorCall = await call(actor, aIn, L.stop.actor, deriveSeed(seed, 'actor', k), signal);
        aChat = L.withAnswer(aIn, actorCall.output);
      } else {
        const aIn = aChat ? [...aChat, ...L.soloFeedback(last!, options)] : L.soloStart(first, options);
        actorCall = await call(actor, aIn, L.stop.solo, deriveSeed(seed, 'actor', k), signal);
        aChat = L.withAnswer(aIn, actorCall.output);
        const th = parseThought(actorCall.output);
        thought = th.error ? '' : th.value;
      }
    } catch (e) {
      throwIfAborted(signal); // the call was cancelled by the abort: report why the episode stopped, not the cancellation
      throw e; // the model stayed down after its retries: the scheduler logs it and a later run retries the episode
    }
    const action = L.parseAction(actorCall.output);
    if (action.error) actorCall.parseError = action.error;

    let result: StepResult;
    if (action.error) result = { observation: p.invalidAnswer, reward: 0, done: false, info: { invalid: true } };
    else result = await env.step(action.value);

    const turn: Turn = {
      index: k, strategist: thoughtCall, actor: actorCall, action: action.value,
      observation: result.observation, reward: result.reward, done: result.done,
      info: { ...result.info, ...(setup.mode === 'actor-only' && thought ? { thought } : {}) },
      ms: performance.now() - t0,
    };
    turns.push(turn);
    last = { action: action.value, actorOutput: actorCall.output, observation: result.observation };
    if (result.done) { reason = 'done'; break; }
    if (strategist && k + 1 < setup.maxSteps) sChat = [...sChat!, reply(thoughtCall!.output), L.strategistFeedback(last)];
  }

  const models: Record<string, ModelRef> = { actor: actor.ref };
  if (strategist) models.strategist = strategist.ref;
  return {
    id: episodeId(task.id, trial), run: setup.run, env: env.name, taskId: task.id, trial, seed,
    models, codeVersion: setup.codeVersion, dataVersion: setup.dataVersion,
    task: setup.taskRecord ? setup.taskRecord(task) : { ...task },
    initialObservation: first, turns, outcome: { ...setup.outcome(turns, reason), mode: setup.mode, ...(setup.protocol && setup.protocol !== 'epo' ? { protocol: setup.protocol } : {}) },
    startedAt, finishedAt: new Date().toISOString(),
  };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('episode aborted');
}

async function call(role: RoleModel, input: ChatMessage[], stop: string[], seed: number, signal?: AbortSignal): Promise<Call> {
  const r = role.ref;
  const t0 = performance.now();
  const res = await role.model.complete({
    messages: input, temperature: r.temperature, topP: r.topP, maxTokens: r.maxTokens, stop,
    seed: r.seed ?? seed, signal,
  });
  return {
    input, output: res.text, ms: performance.now() - t0,
    usage: { promptTokens: res.usage.promptTokens, completionTokens: res.usage.completionTokens, ...(res.costUsd !== undefined ? { costUsd: res.costUsd } : {}) },
    ...(res.truncated ? { truncated: true } : {}),
  };
}

/** Parse failures of an episode: thoughts (strategist calls) and actions (actor calls) that yielded nothing usable. */
export function parseFailures(e: Episode): { thought: number; action: number } {
  let thought = 0, action = 0;
  for (const t of e.turns) {
    if (t.strategist?.parseError) thought++;
    if (t.actor?.parseError) action++;
  }
  return { thought, action };
}
