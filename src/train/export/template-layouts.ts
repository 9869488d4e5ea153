/**
 * LLaMA-Factory's chat templates as the strings it encodes for each (user, assistant) pair, for exact token counts
 * with the model's own tokenizer. LLaMA-Factory (0.9.1, the EPO fork) builds a pair from elements, encodes each
 * string element alone with special tokens parsed (so `<|eot_id|>` in a template string is one id), and adds the
 * BOS / EOS ids for the `bos_token` / `eos_token` slots:
 *   first pair:  [prefix] [system] user-with-assistant-header   →  assistant content + EOS
 *   later pairs: [separator] user-with-assistant-header          →  assistant content + EOS
 * `replace_eos` makes the end-of-turn token the EOS (`<|eot_id|>` for llama3, `<|im_end|>` for qwen): one id.
 */
import type { CountTokens } from './cutoff.js';

export interface TemplateLayout {
  /** Ids before the first pair (BOS for llama3). */
  prefixIds: number;
  system(content: string): string;
  user(content: string): string;
  /** Encoded before every pair but the first. */
  separator?: string;
  /** The system message used when the example has none (qwen's). */
  defaultSystem?: string;
  /** Ids after each assistant message (the EOS). */
  eosIds: number;
}

export const TEMPLATE_LAYOUTS: Record<string, TemplateLayout> = {
  llama3: {
    prefixIds: 1,
    system: (s) => `<|start_header_id|>system<|end_header_id|>\n\n${s}<|eot_id|>`,
    user: (u) => `<|start_header_id|>user<|end_header_id|>\n\n${u}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`,
    eosIds: 1,
  },
  qwen: {
    prefixIds: 0,
    system: (s) => `<|im_start|>system\n${s}<|im_end|>\n`,
    user: (u) => `<|im_start|>user\n${u}<|im_end|>\n<|im_start|>assistant\n`,
    separator: '\n',
    defaultSystem: 'You are a helpful assistant.',
    eosIds: 1,
  },
};

/** Source and target token counts of pair `turn` (0-based), as LLaMA-Factory encodes it. */
export type PairLengths = (turn: number, user: string, assistant: string, system: string | undefined) => [number, number];

/** Exact pair lengths for a template, given a counter that parses special tokens in text. */
export function layoutPairLengths(layout: TemplateLayout, count: CountTokens): PairLengths {
  return (turn, user, assistant, system) => {
    let source = count(layout.user(user));
    if (turn === 0) {
      const sys = system || layout.defaultSystem;
      source += layout.prefixIds + (sys ? count(layout.system(sys)) : 0);
    } else if (layout.separator) source += count(layout.separator);
    return [source, count(assistant) + layout.eosIds];
  };
}
