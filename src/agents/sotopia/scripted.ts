/**
 * Scripted SOTOPIA participants for tests, demos and offline wiring (not language models): an actor that speaks a
 * numbered line each turn and leaves at a set turn, a strategist that names the turn, and a judge that gives fixed
 * in-range scores (goal configurable). `scripted:sotopia?goal=7&leave=6` answers all three roles, telling them apart
 * by the prompt, so one scripted server can play every part.
 */
import { DIMENSIONS, type Dimension } from '../../envs/sotopia/evaluator.js';
import { EpoError } from '../../core/errors.js';
import type { ScriptedFactory } from '../../llm/named-scripts.js';
import { scriptedModel } from '../../llm/scripted.js';
import type { ChatModel, CompletionRequest } from '../../llm/model.js';

export interface ScriptedSotopiaOptions {
  /** The judge's goal score for both seats (default 7). */
  goal?: number;
  /** The 1-based turn at which the actor leaves (default: never, the episode runs to max turns). */
  leave?: number;
  /** Milliseconds per answer (default 0). */
  delayMs?: number;
}

const FIXED: Record<Dimension, number> = {
  believability: 8, relationship: 2, knowledge: 4, secret: 0, social_rules: 0, financial_and_material_benefits: 1, goal: 7,
};

export function scriptedJudgeReply(goal = 7): string {
  const seat = Object.fromEntries(DIMENSIONS.map((d) => [d, { reasoning: `scripted ${d}`, score: d === 'goal' ? goal : FIXED[d] }]));
  return JSON.stringify({ agent_1: seat, agent_2: seat });
}

export type SotopiaRole = 'evaluator' | 'strategist' | 'actor';

export function roleOf(req: CompletionRequest): SotopiaRole {
  const sys = req.messages[0]?.role === 'system' ? req.messages[0].content : '';
  const all = req.messages.map((m) => m.content).join('\n');
  if (req.jsonSchema?.name === 'sotopia_evaluation' || /impartial judge/.test(sys) || all.includes('"agent_1_evaluation"')) return 'evaluator';
  if (/^You advise /.test(sys) || /^You advise /.test(req.messages[0]?.content ?? '')) return 'strategist';
  // the reference protocol's requests have no system message; only the actor's states the action's JSON keys
  if (!sys && !req.jsonSchema && !all.includes('"action_type"')) return 'strategist';
  return 'actor';
}

export function scriptedSotopiaReply(req: CompletionRequest, o: ScriptedSotopiaOptions = {}): string {
  const last = req.messages[req.messages.length - 1]?.content ?? '';
  const turn = Number(/Turn #(\d+) is|It is turn #(\d+)/.exec(last)?.slice(1).find(Boolean) ?? 0);
  switch (roleOf(req)) {
    case 'evaluator': return scriptedJudgeReply(o.goal);
    case 'strategist': return `Strategy: make progress on turn ${turn}`;
    default: {
      const name = /it is your turn, (.+)\.\n/.exec(last)?.[1] ?? 'someone';
      if (o.leave !== undefined && turn >= o.leave) return '{"action_type": "leave", "argument": ""}';
      return JSON.stringify({ action_type: 'speak', argument: `${name} speaks at turn ${turn}.` });
    }
  }
}

export function scriptedSotopiaModel(o: ScriptedSotopiaOptions = {}, spec = 'scripted:sotopia'): ChatModel {
  return scriptedModel((req) => scriptedSotopiaReply(req, o), { spec, delayMs: o.delayMs });
}

/** `scripted:sotopia[?goal=N&leave=T&delay_ms=D]` for any command that takes a model spec (registered in src/builtins.ts). */
export const scriptedSotopiaFactory: ScriptedFactory = (options, spec) => {
  const num = (k: string): number | undefined => {
    if (options[k] === undefined) return undefined;
    const n = Number(options[k]);
    if (!Number.isFinite(n) || n < 0) throw new EpoError('BAD_SPEC', `${k} must be a number ≥ 0, got "${options[k]}"`, { where: `model spec ${spec}` });
    return n;
  };
  return scriptedSotopiaModel({ goal: num('goal'), leave: num('leave'), delayMs: num('delay_ms') }, spec);
};
