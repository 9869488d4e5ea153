/** Public API of the built-in model (what the trainer, agents and CLI import). See docs/model.md. */
export { initBackend, useBackend, tf, type BackendName } from './backend.js';
export { type LlamaConfig, type ModelSize, SIZES, makeConfig, validateConfig, countParams, eosIds } from './config.js';
export { type LlamaModel, type KvCache, type ForwardOptions, forward, initModel, modelFromValues, disposeModel, paramShapes, lmHead, ATTENTION } from './llama.js';
export { type TokenBatch, type ValueAndGrad, packBatch, sequenceLogProbs, maskedNll, valueAndGrad, scoreSequences } from './logprobs.js';
export { AdamW, type AdamWOptions, ADAMW_DEFAULTS, clipGradNorm, GradAccumulator } from './optim/adamw.js';
export { type CosineSchedule, cosineLr, warmupFromRatio } from './schedule.js';
export { type Checkpoint, type TrainerState, saveCheckpoint, loadCheckpoint, loadOptimizerState, loadTokenizer, exportWeights } from './checkpoint.js';
export { type GenerateRequest, type GenerateResult, type GenerateOptions, generate } from './generate.js';
export { type SamplingParams, sampleToken } from './sampling.js';
export { BpeTokenizer, trainBpe, type BpeData } from './tokenizer/bpe.js';
export { SPECIAL, SPECIAL_TOKENS, CHAT_TEMPLATE_JINJA, renderChat, tokenizeChat, type TokenizedChat } from './tokenizer/chat.js';
export { toTokenizerJson, fromTokenizerJson, tokenizerConfigJson } from './tokenizer/hf-json.js';
export { LocalChatModel, loadLocalChatModel, createLocalChatModel, localOptionsFromSpec, type LocalModelOptions } from './chat-model.js';
export { registerLocalBackend, localBackend } from './register.js';
