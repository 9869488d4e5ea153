import { describe, expect, it } from 'vitest';
import { trainBpe } from './bpe.js';
import { renderChat, SPECIAL, SPECIAL_TOKENS, tokenizeChat } from './chat.js';
import { fromTokenizerJson, toTokenizerJson } from './hf-json.js';
import { pretokenize, toByteChars } from './bytes.js';

const corpus = ['Thought: I need to find a mug. Thought: go to cabinet 1.', 'Observation: On the countertop 1, you see a mug 1.', 'café naïve — 🍵 tea'];

describe('byte-level BPE', () => {
  it('pre-tokenizes like GPT-2 (leading spaces kept, whitespace runs split before words)', () => {
    expect(pretokenize("I'm at cabinet 12.\n\nThought")).toEqual(['I', "'m", ' at', ' cabinet', ' 12', '.', '\n', '\n', 'Thought']);
    expect(toByteChars(' a\n')).toBe('Ġa\u010a');
  });

  it('learns the most frequent pair first and encodes with it', () => {
    const tok = trainBpe(['ab ab ab abc'], 256 + 2 + 1, ['<|x|>']);
    expect(tok.merges[0]).toEqual(['a', 'b']);
    expect(tok.merges[1]).toEqual(['Ġ', 'ab']);
    expect(tok.encode('ab ab').map((i) => tok.vocab[i])).toEqual(['ab', 'Ġab']);
    expect(tok.vocabSize).toBe(259);
    expect(tok.specials['<|x|>']).toBe(258);
  });

  it('round-trips any text, including multi-byte characters never seen in training', () => {
    const tok = trainBpe(corpus, 300, SPECIAL_TOKENS);
    for (const t of [...corpus, 'Ωmega ✓ 日本語 \t tabs', '']) expect(tok.decode(tok.encode(t))).toBe(t);
  });

  it('keeps special-token text literal unless asked to parse it', () => {
    const tok = trainBpe(corpus, 300, SPECIAL_TOKENS);
    const eot = tok.special(SPECIAL.eot);
    expect(tok.encode('a<|eot_id|>b')).not.toContain(eot);
    expect(tok.encode('a<|eot_id|>b', { allowSpecial: true })).toContain(eot);
    expect(tok.decode(tok.encode('a<|eot_id|>b', { allowSpecial: true }))).toBe('a<|eot_id|>b');
  });

  it('survives a Hugging Face tokenizer.json round trip with identical ids', () => {
    const tok = trainBpe(corpus, 320, SPECIAL_TOKENS);
    const json = JSON.parse(JSON.stringify(toTokenizerJson(tok)));
    expect(json.model.type).toBe('BPE');
    expect(json.pre_tokenizer.type).toBe('ByteLevel');
    expect(json.added_tokens.map((a: { content: string }) => a.content)).toEqual(SPECIAL_TOKENS);
    expect(json.model.merges[0]).toMatch(/^\S+ \S+$/);
    const back = fromTokenizerJson(json);
    for (const t of corpus) expect(back.encode(t)).toEqual(tok.encode(t));
    expect(() => fromTokenizerJson({ model: { type: 'WordPiece' } }, 'x/tokenizer.json')).toThrow(/x\/tokenizer.json:model.type/);
  });
});

describe('chat template', () => {
  const tok = trainBpe(corpus, 320, SPECIAL_TOKENS);
  const chat = [
    { role: 'user' as const, content: 'Task: find a mug.' },
    { role: 'assistant' as const, content: 'Thought: go to cabinet 1.' },
    { role: 'user' as const, content: 'Observation: nothing.' },
    { role: 'assistant' as const, content: 'Thought: try the countertop.' },
  ];

  it('labels each assistant turn as its content plus the end-of-turn token (LLaMA-Factory llama3 style)', () => {
    const { ids, assistantSpans } = tokenizeChat(tok, chat);
    expect(assistantSpans).toHaveLength(2);
    expect(assistantSpans.map(([a, b]) => tok.decode(ids.slice(a, b)))).toEqual(['Thought: go to cabinet 1.<|eot_id|>', 'Thought: try the countertop.<|eot_id|>']);
    expect(tok.decode(ids)).toBe(renderChat(chat));
  });

  it('ends a prompt with an open assistant header', () => {
    const { ids } = tokenizeChat(tok, chat.slice(0, 1), { addGenerationPrompt: true });
    expect(tok.decode(ids)).toBe('<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nTask: find a mug.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
  });
});
