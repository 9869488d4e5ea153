/**
 * A scripted judge for demos and offline wiring (not a language model): `scripted:judge?pick=last` answers every
 * judge prompt with the strategy numbers chosen by a fixed rule — first, last, all, none, or `even` — read from the
 * prompt's own "numbers 1 to n" line. Lets `epo label` run end to end without a model server.
 */
import { EpoError } from '../../core/errors.js';
import type { ScriptedFactory } from '../../llm/named-scripts.js';
import { scriptedModel } from '../../llm/scripted.js';

export const SCRIPTED_PICKS = ['first', 'last', 'all', 'none', 'even'] as const;
export type ScriptedPick = (typeof SCRIPTED_PICKS)[number];

export function scriptedJudgeAnswer(prompt: string, pick: ScriptedPick): string {
  const n = Number(/numbers 1 to (\d+)\)/.exec(prompt)?.[1] ?? 0);
  const all = Array.from({ length: n }, (_, i) => i + 1);
  const indexes = n === 0 ? [] : pick === 'first' ? [1] : pick === 'last' ? [n] : pick === 'all' ? all : pick === 'even' ? all.filter((k) => k % 2 === 0) : [];
  return JSON.stringify({ indexes, reasoning: `scripted judge: ${pick}` });
}

/** `scripted:judge[?pick=first|last|all|none|even]` (registered in src/builtins.ts). */
export const scriptedJudgeFactory: ScriptedFactory = (options, spec) => {
  const pick = (options.pick ?? 'last') as ScriptedPick;
  if (!SCRIPTED_PICKS.includes(pick)) throw new EpoError('BAD_SPEC', `pick must be one of ${SCRIPTED_PICKS.join(', ')}, got "${options.pick}"`, { where: `model spec ${spec}` });
  return scriptedModel((req) => scriptedJudgeAnswer(req.messages.at(-1)?.content ?? '', pick), { spec });
};
