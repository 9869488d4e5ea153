/**
 * The chat format of the built-in model: Llama-3-style role headers, so that assistant turns are labelled exactly as
 * LLaMA-Factory's `llama3` template labels them (reference-behaviour §1.E): every assistant turn is one contiguous
 * span made of its content tokens plus the end-of-turn token.
 *
 *   <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>
 *   <|start_header_id|>assistant<|end_header_id|>\n\n{content}<|eot_id|> ...
 */
import type { ChatMessage } from '../../core/messages.js';
import type { BpeTokenizer } from './bpe.js';

export const SPECIAL = {
  bos: '<|begin_of_text|>',
  eos: '<|end_of_text|>',
  startHeader: '<|start_header_id|>',
  endHeader: '<|end_header_id|>',
  eot: '<|eot_id|>',
  pad: '<|pad|>',
} as const;

export const SPECIAL_TOKENS: string[] = Object.values(SPECIAL);

/** The same template in Jinja, stored in tokenizer_config.json so that HF `apply_chat_template` renders the same text. */
export const CHAT_TEMPLATE_JINJA =
  "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/** Render a chat to text (what the Jinja template renders). */
export function renderChat(messages: readonly ChatMessage[], addGenerationPrompt = false): string {
  let s = SPECIAL.bos;
  for (const m of messages) s += `${SPECIAL.startHeader}${m.role}${SPECIAL.endHeader}\n\n${m.content}${SPECIAL.eot}`;
  if (addGenerationPrompt) s += `${SPECIAL.startHeader}assistant${SPECIAL.endHeader}\n\n`;
  return s;
}

export interface TokenizedChat {
  ids: number[];
  /** Half-open token ranges [start, end) of each assistant message: its content tokens and its end-of-turn token. */
  assistantSpans: [number, number][];
}

/**
 * Tokenize a chat for training or prompting. Message content is encoded with special tokens disabled, so text that
 * looks like a role marker stays text. With `addGenerationPrompt`, the ids end with an open assistant header.
 */
export function tokenizeChat(tok: BpeTokenizer, messages: readonly ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): TokenizedChat {
  const ids = [tok.special(SPECIAL.bos)];
  const assistantSpans: [number, number][] = [];
  const header = (role: string) => {
    ids.push(tok.special(SPECIAL.startHeader), ...tok.encode(role), tok.special(SPECIAL.endHeader), ...tok.encode('\n\n'));
  };
  for (const m of messages) {
    header(m.role);
    const start = ids.length;
    ids.push(...tok.encode(m.content), tok.special(SPECIAL.eot));
    if (m.role === 'assistant') assistantSpans.push([start, ids.length]);
  }
  if (opts.addGenerationPrompt) header('assistant');
  return { ids, assistantSpans };
}
