/**
 * Extract of the process-reward judge's prompts from the reference release's `LLaMA-Factory/data/utils/prm.py`: for
 * each environment, the text before and after the inserted trajectory record (`'''…''' + str(history) + '''…'''`).
 * The SOTOPIA prompt keeps its `agent1` / `agent2` placeholders, which the layout fills with the two names.
 */
import { EpoError } from '../core/errors.js';
import type { ReferenceExtract } from './extracts.js';
import { findAnchor, literalAfter } from './python-literal.js';

export const PRM_PY = 'LLaMA-Factory/data/utils/prm.py';
export const JUDGE_PROMPTS_JSON = 'extracted/judge-prompts.json';

export type JudgeFamily = 'sotopia' | 'webshop' | 'alfworld';

export interface JudgePromptParts {
  before: string;
  after: string;
}

const VARIABLES: Record<JudgeFamily, string> = { sotopia: 'sotopia_pi_prompt', webshop: 'webshop_prompt', alfworld: 'alfworld_prompt' };
const RECORD = 'str(history)';

export function extractJudgePrompts(src: string): Record<JudgeFamily, JudgePromptParts> {
  const out = {} as Record<JudgeFamily, JudgePromptParts>;
  for (const [family, name] of Object.entries(VARIABLES) as [JudgeFamily, string][]) {
    const before = literalAfter(src, `${name} = `, PRM_PY);
    const glue = src.slice(before.end, src.indexOf(RECORD, before.end));
    if (!/^\s*\+\s*\\?\s*$/.test(glue)) throw new EpoError('BAD_DATA', `${PRM_PY}: ${name} does not insert ${RECORD} after its first part`, { where: PRM_PY });
    const after = literalAfter(src, RECORD, PRM_PY, findAnchor(src, RECORD, PRM_PY, before.end));
    out[family] = { before: before.value, after: after.value };
  }
  return out;
}

export const JUDGE_EXTRACTS: ReferenceExtract[] = [
  { from: PRM_PY, to: JUDGE_PROMPTS_JSON, extract: (s) => `${JSON.stringify(extractJudgePrompts(s), null, 2)}\n` },
];
