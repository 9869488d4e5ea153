/**
 * Hugging Face `tokenizer.json` (the `tokenizers` library format) for our byte-level BPE, plus the
 * `tokenizer_config.json` that carries the chat template. `AutoTokenizer.from_pretrained(dir)` loads the pair.
 */
import { EpoError } from '../../core/errors.js';
import { BpeTokenizer } from './bpe.js';
import { CHAT_TEMPLATE_JINJA, SPECIAL } from './chat.js';
import { readNormalizer, readPretokenizer } from './pretokenizers.js';

export function toTokenizerJson(tok: BpeTokenizer): Record<string, unknown> {
  const specialIds = new Set(Object.values(tok.specials));
  const vocab: Record<string, number> = {};
  tok.vocab.forEach((t, i) => { if (!specialIds.has(i)) vocab[t] = i; });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(tok.specials).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab,
      merges: tok.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

export function tokenizerConfigJson(): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: SPECIAL.bos,
    eos_token: SPECIAL.eot,
    pad_token: SPECIAL.pad,
    add_bos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 1024,
    chat_template: CHAT_TEMPLATE_JINJA,
  };
}

/**
 * Read a `tokenizer.json` object into a tokenizer: ours, or any byte-level BPE one (GPT-2 style, and Llama-3's and
 * Qwen2's with their regex split, NFC normalizer and `ignore_merges`), giving the ids Hugging Face gives.
 */
export function fromTokenizerJson(json: any, where = 'tokenizer.json'): BpeTokenizer {
  const model = json?.model;
  if (model?.type !== 'BPE') throw new EpoError('BAD_DATA', `expected a BPE model, got ${JSON.stringify(model?.type)}`, { where: `${where}:model.type` });
  const pretokenize = readPretokenizer(json.pre_tokenizer, where);
  const normalize = readNormalizer(json.normalizer, where);
  const vocab: string[] = [];
  for (const [t, id] of Object.entries(model.vocab as Record<string, number>)) vocab[id] = t;
  const specials: Record<string, number> = {};
  for (const a of (json.added_tokens ?? []) as { id: number; content: string }[]) { vocab[a.id] = a.content; specials[a.content] = a.id; }
  for (let i = 0; i < vocab.length; i++) if (vocab[i] === undefined) throw new EpoError('BAD_DATA', `token id ${i} is missing from the vocabulary`, { where: `${where}:model.vocab` });
  const merges = (model.merges as (string | [string, string])[]).map((m, i): [string, string] => {
    if (Array.isArray(m)) return [m[0], m[1]];
    const sp = m.indexOf(' ');
    if (sp <= 0) throw new EpoError('BAD_DATA', `merge ${i} "${m}" is not two tokens separated by a space`, { where: `${where}:model.merges[${i}]` });
    return [m.slice(0, sp), m.slice(sp + 1)];
  });
  return new BpeTokenizer({ vocab, merges, specials }, { pretokenize, normalize, ignoreMerges: model.ignore_merges === true });
}
