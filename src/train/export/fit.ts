/**
 * Applying the cutoff check to a dataset before export. Policies for an example with a scored turn that would be cut:
 *   drop  leave the example out;
 *   trim  keep only its turns that fit whole (dropped when none fits);
 *   warn  keep it as is (the trainer will truncate it), only count it.
 */
import { EpoError } from '../../core/errors.js';
import { checkCutoff, TEMPLATE_OVERHEAD, type CountTokens } from './cutoff.js';
import { layoutPairLengths, TEMPLATE_LAYOUTS } from './template-layouts.js';
import type { DatasetExample } from '../dataset.js';

export type CutoffPolicy = 'drop' | 'trim' | 'warn';
export const CUTOFF_POLICIES: readonly CutoffPolicy[] = ['drop', 'trim', 'warn'];

export interface FitOptions {
  cutoffLen: number;
  policy: CutoffPolicy;
  countTokens?: CountTokens;
  /** How tokens were counted, for the record (e.g. `chars/4 estimate`, `local:./ckpt`, `hf:<model dir>`). */
  tokenizer: string;
  template: string;
}

export interface FitCounts {
  cutoffLen: number;
  policy: CutoffPolicy;
  tokenizer: string;
  template: string;
  /** Counted with the model's tokenizer over the template's own strings (not content plus an estimated overhead). */
  exact: boolean;
  /** Examples with at least one scored turn that would be cut. */
  overflowing: number;
  dropped: number;
  trimmed: number;
  /** Assistant turns lost by trimming or dropping. */
  turnsRemoved: number;
  /** Kept examples that the trainer will still truncate (policy warn). */
  keptTruncated: number;
  maxTokens: number;
}

export function fitToCutoff(examples: readonly DatasetExample[], o: FitOptions): { examples: DatasetExample[]; counts: FitCounts } {
  if (!CUTOFF_POLICIES.includes(o.policy)) throw new EpoError('BAD_INPUT', `cutoff policy must be one of ${CUTOFF_POLICIES.join(', ')}`, { where: '--on-cutoff' });
  if (!(o.cutoffLen > 0)) throw new EpoError('BAD_INPUT', `cutoff length must be a positive number of tokens`, { where: '--cutoff-len' });
  // exact when the counter is a model's tokenizer.json and the template's strings are known; else content + overhead
  const layout = o.countTokens?.parsesSpecials ? TEMPLATE_LAYOUTS[o.template] : undefined;
  const overhead = layout ? layoutPairLengths(layout, o.countTokens!) : TEMPLATE_OVERHEAD[o.template] ?? TEMPLATE_OVERHEAD.default;
  const counts: FitCounts = { cutoffLen: o.cutoffLen, policy: o.policy, tokenizer: o.tokenizer, template: o.template, exact: layout !== undefined && !!o.countTokens, overflowing: 0, dropped: 0, trimmed: 0, turnsRemoved: 0, keptTruncated: 0, maxTokens: 0 };
  const out: DatasetExample[] = [];
  for (const ex of examples) {
    const r = checkCutoff(ex.messages, ex.system, o.cutoffLen, o.countTokens, overhead);
    counts.maxTokens = Math.max(counts.maxTokens, r.tokens);
    if (r.intact === r.turns) { out.push(ex); continue; }
    counts.overflowing++;
    if (o.policy === 'warn') { counts.keptTruncated++; out.push(ex); continue; }
    if (o.policy === 'drop' || r.intact === 0) { counts.dropped++; counts.turnsRemoved += r.turns; continue; }
    counts.trimmed++;
    counts.turnsRemoved += r.turns - r.intact;
    const k = r.intact;
    out.push({ ...ex, messages: ex.messages.slice(0, 2 * k), weights: ex.weights.slice(0, k), rewards: ex.rewards.slice(0, k), returns: ex.returns.slice(0, k) });
  }
  return { examples: out, counts };
}
