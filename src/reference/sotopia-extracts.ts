/**
 * Extracts of SOTOPIA's templates from the reference release's Python source (run by the installer; see
 * extracts.ts): the actor and strategist templates and the two constraint blocks `reshape_prompt` appends
 * (generate.py), the profile templates per relationship (parallel.py `_agent_profile_to_*_self`), and the evaluator's
 * template and rubric, i.e. the field descriptions of `SotopiaDimensions` (evaluators.py).
 */
import { EpoError } from '../core/errors.js';
import type { ReferenceExtract } from './extracts.js';
import { findAnchor, literalAfter } from './python-literal.js';

export const GENERATE_PY = 'Sotopia/sotopia/generation_utils/generate.py';
export const PARALLEL_PY = 'Sotopia/sotopia/envs/parallel.py';
export const EVALUATORS_PY = 'Sotopia/sotopia/envs/evaluators.py';

export const SOTOPIA_PROMPTS_JSON = 'extracted/sotopia-prompts.json';
export const SOTOPIA_PROFILES_JSON = 'extracted/sotopia-profiles.json';
export const SOTOPIA_EVALUATOR_JSON = 'extracted/sotopia-evaluator.json';

export interface SotopiaPromptTemplates {
  /** `agenerate_action`'s template for an agent (not script-like), raw (before format_docstring). */
  action: string;
  /** `agenerate_strategy`'s template, raw. */
  strategy: string;
  /** What `reshape_prompt` appends to the background for the seat that speaks first, and for the other. */
  reshapeFirst: string;
  reshapeSecond: string;
}

export function extractSotopiaPrompts(src: string): SotopiaPromptTemplates {
  const f = GENERATE_PY;
  const normal = findAnchor(src, '# Normal case, model as agent', f);
  const strategyFn = findAnchor(src, 'async def agenerate_strategy(', f);
  const reshape = findAnchor(src, 'def reshape_prompt(', f);
  const first = literalAfter(src, 'prompt.split("Conversation Starts:")[0] +', f, reshape);
  const second = literalAfter(src, 'prompt.split("Conversation Starts:")[0] +', f, first.end);
  return {
    action: literalAfter(src, 'template =', f, normal).value,
    strategy: literalAfter(src, 'template =', f, strategyFn).value,
    reshapeFirst: first.value,
    reshapeSecond: second.value,
  };
}

/** parallel.py's profile template per relationship group, as f-string text with its `{profile.…}` fields. */
export interface SotopiaProfileTemplates {
  stranger: string;
  know_by_name: string;
  acquaintance: string;
  /** friend, romantic relationship, family member. */
  friend_or_closer: string;
}

export function extractSotopiaProfiles(src: string): SotopiaProfileTemplates {
  const at = (fn: string) => literalAfter(src, 'return', PARALLEL_PY, findAnchor(src, `def ${fn}(`, PARALLEL_PY)).value;
  return {
    stranger: at('_agent_profile_to_stranger_self'),
    know_by_name: at('_agent_profile_to_name_self'),
    acquaintance: at('_agent_profile_to_aquaintance_self'),
    friend_or_closer: at('_agent_profile_to_friendabove_self'),
  };
}

export interface SotopiaEvaluatorTemplates {
  /** `ReachGoalLLMEvaluator`'s template, raw. */
  template: string;
  /** The seven dimensions in the class's order, each with its field description (the rubric). */
  dimensions: { name: string; description: string }[];
}

export function extractSotopiaEvaluator(src: string): SotopiaEvaluatorTemplates {
  const f = EVALUATORS_PY;
  const start = findAnchor(src, 'class SotopiaDimensions(BaseModel):', f);
  const stop = src.indexOf('\nclass ', start + 1);
  const body = src.slice(start, stop < 0 ? undefined : stop);
  const dimensions: { name: string; description: string }[] = [];
  for (const m of body.matchAll(/^ {4}(\w+): tuple\[str, int\] = Field\(/gm)) {
    const lit = literalAfter(body, 'description=', f, m.index);
    dimensions.push({ name: m[1], description: lit.value });
  }
  if (dimensions.length !== 7) throw new EpoError('BAD_DATA', `${f}: SotopiaDimensions has ${dimensions.length} fields, expected 7`, { where: f });
  const evaluator = findAnchor(src, 'class ReachGoalLLMEvaluator', f);
  return { template: literalAfter(src, 'template=', f, evaluator).value, dimensions };
}

const json = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;

export const SOTOPIA_EXTRACTS: ReferenceExtract[] = [
  { from: GENERATE_PY, to: SOTOPIA_PROMPTS_JSON, extract: (s) => json(extractSotopiaPrompts(s)) },
  { from: PARALLEL_PY, to: SOTOPIA_PROFILES_JSON, extract: (s) => json(extractSotopiaProfiles(s)) },
  { from: EVALUATORS_PY, to: SOTOPIA_EVALUATOR_JSON, extract: (s) => json(extractSotopiaEvaluator(s)) },
];
