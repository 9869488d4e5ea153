/**
 * Will every scored turn survive LLaMA-Factory's truncation? LLaMA-Factory encodes (user_i, assistant_i) pairs in
 * order; once the running length reaches `cutoff_len` the remaining pairs are dropped, and a pair that does not fit is
 * cut by its `infer_seqlen` rule (source and target trimmed in proportion). A dropped or trimmed assistant turn loses
 * its score silently (or trips the EPO loss's segment/score check), so the exporter measures this before writing.
 *
 * Token counts come from `countTokens` (a real tokenizer when given) plus the chat template's fixed tokens per turn,
 * or, for a tokenizer.json counter and a template whose layout is known (llama3, qwen), from encoding the template's
 * own strings (`template-layouts.ts`): exact. Without a tokenizer the count is estimated as ⌈characters / 4⌉: good
 * enough to catch gross overflows, not exact.
 */
import type { ChatMessage } from '../../core/messages.js';
import { estimateTokens } from '../../llm/model.js';
import type { PairLengths } from './template-layouts.js';

/** Tokens in a text; `parsesSpecials`: special-token strings count as their one id, as LLaMA-Factory encodes them. */
export type CountTokens = ((text: string) => number) & { parsesSpecials?: boolean };

/** Fixed tokens a chat template adds around each turn (estimates from the llama3 and mistral templates). */
export interface TemplateOverhead {
  /** Around a user message, including the assistant header that follows it. */
  source: number;
  /** After an assistant message (its end-of-turn token). */
  target: number;
  /** BOS on the first turn. */
  first: number;
  /** Around the system message, when there is one. */
  system: number;
}

export const TEMPLATE_OVERHEAD: Record<string, TemplateOverhead> = {
  // <|start_header_id|>user<|end_header_id|>\n\n … <|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n
  llama3: { source: 9, target: 1, first: 1, system: 5 },
  // [INST] … [/INST]   …</s>
  mistral: { source: 8, target: 1, first: 1, system: 2 },
  default: { source: 10, target: 1, first: 1, system: 5 },
};

/** LLaMA-Factory's rule for trimming one (source, target) pair into the remaining budget. */
export function inferSeqlen(sourceLen: number, targetLen: number, cutoffLen: number): [number, number] {
  let maxTarget: number;
  if (targetLen * 2 < cutoffLen) maxTarget = cutoffLen;
  else if (sourceLen * 2 < cutoffLen) maxTarget = cutoffLen - sourceLen;
  else maxTarget = Math.floor(cutoffLen * (targetLen / (sourceLen + targetLen)));
  const newTarget = Math.min(maxTarget, targetLen);
  const newSource = Math.min(Math.max(cutoffLen - newTarget, 0), sourceLen);
  return [newSource, newTarget];
}

export interface CutoffResult {
  /** Assistant turns that survive whole (a prefix of the turns). */
  intact: number;
  /** Assistant turns in the example. */
  turns: number;
  /** Tokens of the whole example before truncation. */
  tokens: number;
}

/** Pair lengths from content counts plus a template's fixed overhead (an estimate of the template's tokens). */
export function overheadPairLengths(count: CountTokens, overhead: TemplateOverhead): PairLengths {
  return (turn, user, assistant, system) => {
    let src = count(user) + overhead.source;
    if (turn === 0) src += overhead.first + (system ? count(system) + overhead.system : 0);
    return [src, count(assistant) + overhead.target];
  };
}

/** Simulate truncation of one example (messages alternate user/assistant, starting with user). */
export function checkCutoff(messages: readonly ChatMessage[], system: string | undefined, cutoffLen: number, count: CountTokens = estimateTokens, overhead: TemplateOverhead | PairLengths = TEMPLATE_OVERHEAD.llama3): CutoffResult {
  const pair = typeof overhead === 'function' ? overhead : overheadPairLengths(count, overhead);
  let total = 0, intact = 0, tokens = 0, broken = false;
  const turns = Math.floor(messages.length / 2);
  for (let i = 0; i < turns; i++) {
    const [src, tgt] = pair(i, messages[2 * i].content, messages[2 * i + 1].content, system);
    tokens += src + tgt;
    if (broken || total >= cutoffLen) { broken = true; continue; }
    const [s, t] = inferSeqlen(src, tgt, cutoffLen - total);
    total += s + t;
    if (t < tgt || s < src) broken = true; // a trimmed source also shifts the target: count it as cut
    if (t === tgt && !broken) intact++;
  }
  return { intact, turns, tokens };
}
