/** `epo model pretrain|score|generate|corpus|info`: the built-in Llama-architecture model. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { parseNumber, RULES, type NumberRule } from '../num.js';


const num = (v: string, flag: string, rule: NumberRule): number => parseNumber(flag, v, rule)!;
const COUNT = { integer: true, min: 1, max: 10_000_000 };

async function openLocal(spec: string) {
  const { localOptionsFromSpec } = await import('../../model/chat-model.js');
  const { initBackend } = await import('../../model/backend.js');
  const { loadCheckpoint } = await import('../../model/checkpoint.js');
  const { dir, opts } = localOptionsFromSpec(spec);
  const { nativeStatus } = await import('../../model/native.js');
  const backend = await initBackend();
  return { ...loadCheckpoint(dir), opts, backend, engine: nativeStatus() };
}

export function registerModel(program: Command): void {
  const cmd = program.command('model').description('the built-in small Llama-architecture model: pretrain, score, generate');

  cmd.command('pretrain')
    .description('train a model from scratch (byte-level BPE tokenizer + Llama decoder) on a corpus by next-token prediction')
    .requiredOption('--corpus <file>', 'JSON lines of chats ({"messages": [...]}) or {"text": ...}, or a plain text file')
    .option('--size <size>', 'micro (~0.13 M parameters), tiny (~1 M) or small (~14 M)', 'tiny')
    .requiredOption('--out <dir>', 'checkpoint folder (Hugging Face layout)')
    .option('--steps <n>', 'optimizer steps (default: per size)')
    .option('--seq-len <n>', 'tokens per training window')
    .option('--batch <n>', 'windows per micro-batch')
    .option('--accum <n>', 'micro-batches per optimizer step')
    .option('--lr <x>', 'peak learning rate (cosine schedule with warm-up)')
    .option('--vocab-size <n>', 'tokenizer vocabulary size (bytes + merges + special tokens)')
    .option('--seed <n>', 'seed for weights and batches')
    .option('--max-minutes <x>', 'stop with a checkpoint after this long')
    .option('--resume', 'continue from the checkpoint in --out')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const { pretrain, PRETRAIN_DEFAULTS } = await import('../../model/pretrain.js');
      const size = o.size as string;
      if (size !== 'micro' && size !== 'tiny' && size !== 'small') throw new EpoError('BAD_INPUT', `size must be micro, tiny or small, got "${size}"`, { where: '--size' });
      const d = PRETRAIN_DEFAULTS[size];
      const r = await pretrain({
        ...d,
        corpus: o.corpus as string, size, out: o.out as string, resume: Boolean(o.resume), log: createLogger(),
        steps: o.steps ? num(o.steps as string, '--steps', COUNT) : d.steps,
        seqLen: o.seqLen ? num(o.seqLen as string, '--seq-len', RULES.maxLen) : d.seqLen,
        batchSize: o.batch ? num(o.batch as string, '--batch', RULES.batch) : d.batchSize,
        accum: o.accum ? num(o.accum as string, '--accum', RULES.batch) : d.accum,
        lr: o.lr ? num(o.lr as string, '--lr', RULES.learningRate) : d.lr,
        vocabSize: o.vocabSize ? num(o.vocabSize as string, '--vocab-size', { integer: true, min: 1, max: 1_000_000 }) : d.vocabSize,
        seed: o.seed ? num(o.seed as string, '--seed', RULES.seed) : d.seed,
        maxMinutes: o.maxMinutes ? num(o.maxMinutes as string, '--max-minutes', { above: 0, max: 525_600, unit: 'minutes' }) : undefined,
      });
      process.stdout.write(`${JSON.stringify({ out: o.out, ...r })}\n`);
    });

  cmd.command('score')
    .description('print the log-probability of every token of a text (JSON)')
    .requiredOption('--model <spec>', 'local:<checkpoint dir>')
    .requiredOption('--text <text>', 'text to score (a beginning-of-text token is prepended)')
    .option('--chat', 'score the text as the assistant reply to an empty user turn, with the chat template')
    .action(async (o: { model: string; text: string; chat?: boolean }) => {
      const { model, tokenizer, backend } = await openLocal(o.model);
      const { scoreSequences } = await import('../../model/logprobs.js');
      const { SPECIAL, tokenizeChat } = await import('../../model/tokenizer/chat.js');
      const ids = o.chat
        ? tokenizeChat(tokenizer, [{ role: 'user', content: '' }, { role: 'assistant', content: o.text }]).ids
        : [tokenizer.special(SPECIAL.bos), ...tokenizer.encode(o.text)];
      const lp = scoreSequences(model, [ids], model.config.pad_token_id ?? 0)[0];
      const tokens = ids.slice(1).map((id, i) => ({ id, token: tokenizer.tokenText(id), logprob: Number(lp[i].toFixed(6)) }));
      const sum = lp.reduce((a, b) => a + b, 0);
      process.stdout.write(JSON.stringify({ model: o.model, backend, tokens, sum: Number(sum.toFixed(6)), mean: Number((sum / Math.max(1, lp.length)).toFixed(6)) }) + '\n');
    });

  cmd.command('generate')
    .description('sample a reply to a user message and stream it to stdout')
    .requiredOption('--model <spec>', 'local:<checkpoint dir>')
    .requiredOption('--prompt <text>', 'the user message')
    .option('--system <text>', 'a system message')
    .option('--max-tokens <n>', 'completion budget', '128')
    .option('--temperature <x>', '0 = greedy', '0.7')
    .option('--top-p <x>', 'nucleus probability', '1')
    .option('--seed <n>', 'sampling seed', '0')
    .option('--stop <s...>', 'stop strings')
    .action(async (o: { model: string; prompt: string; system?: string; maxTokens: string; temperature: string; topP: string; seed: string; stop?: string[] }) => {
      const { createLocalChatModel } = await import('../../model/chat-model.js');
      const m = createLocalChatModel(o.model);
      const messages = [...(o.system ? [{ role: 'system' as const, content: o.system }] : []), { role: 'user' as const, content: o.prompt }];
      for await (const d of m.stream!({ messages, maxTokens: num(o.maxTokens, '--max-tokens', RULES.maxTokens), temperature: num(o.temperature, '--temperature', RULES.temperature), topP: num(o.topP, '--top-p', RULES.topP), seed: num(o.seed, '--seed', RULES.seed), stop: o.stop })) process.stdout.write(d);
      process.stdout.write('\n');
    });

  cmd.command('info')
    .description('print a checkpoint\'s configuration, parameter count and training state, and the engine that runs it')
    .requiredOption('--model <spec>', 'local:<checkpoint dir>')
    .action(async (o: { model: string }) => {
      const { model, tokenizer, trainerState, backend, engine } = await openLocal(o.model);
      const { countParams } = await import('../../model/config.js');
      const { history: _h, options: _o, ...state } = trainerState ?? { step: 0 };
      process.stdout.write(JSON.stringify({ config: model.config, params: countParams(model.config), vocab: tokenizer.vocabSize, backend, engine, trainerState: state }, null, 2) + '\n');
    });

  cmd.command('corpus')
    .description('write household strategist chats (observation → "Thought: …") as JSON lines for pretraining: synthetic, or from ALFWorld expert walkthroughs played in the engine')
    .requiredOption('--out <file>', 'output .jsonl file')
    .option('--alfworld <folder>', 'a folder of ALFWorld games (e.g. <data>/alfworld/json_2.1.1/valid_train): one chat per walkthrough')
    .option('--count <n>', 'number of chats (synthetic) or at most this many games', '2000')
    .option('--seed <n>', 'seed', '1')
    .action(async (o: { out: string; count: string; seed: string; alfworld?: string }) => {
      const count = num(o.count, '--count', COUNT), seed = num(o.seed, '--seed', RULES.seed);
      if (o.alfworld) {
        const { alfworldWalkthroughChats } = await import('../../model/corpus/alfworld.js');
        const chats = alfworldWalkthroughChats(o.alfworld, seed, count);
        writeFileSync(o.out, chats.map((messages) => JSON.stringify({ messages })).join('\n') + '\n');
        process.stdout.write(`wrote ${chats.length} walkthrough chats to ${o.out}\n`);
        return;
      }
      const { householdCorpus } = await import('../../model/corpus/household.js');
      writeFileSync(o.out, householdCorpus(count, seed));
      process.stdout.write(`wrote ${count} chats to ${o.out}\n`);
    });
}
