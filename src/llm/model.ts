/**
 * One interface for every language model the project drives: OpenAI-compatible servers, the built-in model, and
 * scripted test models. Cross-cutting behaviour (retries, rate limits, caching, accounting, structured output) is
 * added by wrapping a model with a Middleware, never by branching inside a backend.
 */
import type { ChatMessage } from '../core/messages.js';

export interface JsonSchemaSpec {
  name: string;
  schema: Record<string, unknown>;
  /** OpenAI's strict structured outputs (the schema must then list every property as required). Default false. */
  strict?: boolean;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** Ask for JSON matching this schema (sent as response_format where the server supports it). */
  jsonSchema?: JsonSchemaSpec;
  signal?: AbortSignal;
}

export interface CompletionUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CompletionResult {
  text: string;
  usage: CompletionUsage;
  finishReason: string;
  /** The model name the server reported. */
  model?: string;
  /** True when served from the response cache. */
  cached?: boolean;
  /** Filled by the accounting middleware from its price table. */
  costUsd?: number;
  /** The answer was longer than the backend keeps (its response cap) and was cut; finishReason is then "length". */
  truncated?: boolean;
}

export interface ChatModel {
  /** The spec string the model was created from, as it may be stored and printed (`publicSpec`: no secrets). */
  readonly spec: string;
  complete(req: CompletionRequest): Promise<CompletionResult>;
  /** Incremental text; backends without streaming may omit it (the server then sends one chunk). */
  stream?(req: CompletionRequest): AsyncIterable<string>;
  /** Release what the model holds (worker threads, sockets); backends with nothing to release omit it. */
  close?(): Promise<void>;
  /** Load what the model needs now (a checkpoint), failing if it cannot, so a server fails before it listens;
   *  backends that load nothing omit it. */
  ready?(): Promise<void>;
}

/**
 * Behaviour added around a model (after the AI SDK's language-model middleware): each hook receives the request and
 * `next`, the wrapped model's own call. A middleware says only what it changes; `wrap` forwards the rest.
 */
export interface Middleware {
  wrapComplete?(request: CompletionRequest, next: (request: CompletionRequest) => Promise<CompletionResult>, model: ChatModel): Promise<CompletionResult>;
  /** Around a stream; only used when the wrapped model streams. */
  wrapStream?(request: CompletionRequest, next: (request: CompletionRequest) => AsyncIterable<string>, model: ChatModel): AsyncIterable<string>;
}

/** Apply middlewares so that the first listed is the outermost. The spec, streaming (or its absence), `close` and
 *  `ready` pass through every layer. */
export const wrap = (model: ChatModel, ...middlewares: Middleware[]): ChatModel =>
  middlewares.reduceRight(applyMiddleware, model);

function applyMiddleware(model: ChatModel, mw: Middleware): ChatModel {
  const complete = (req: CompletionRequest) => model.complete(req);
  const out: ChatModel = {
    spec: model.spec,
    complete: mw.wrapComplete ? (req) => mw.wrapComplete!(req, complete, model) : complete,
  };
  if (model.stream) {
    const stream = model.stream.bind(model);
    out.stream = mw.wrapStream ? (req) => mw.wrapStream!(req, stream, model) : stream;
  }
  if (model.close) out.close = () => model.close!();
  if (model.ready) out.ready = () => model.ready!();
  return out;
}

/** Rough token count for backends that report none (≈ 4 characters per token). */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
