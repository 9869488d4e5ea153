/**
 * The strategist in front of any LangChain.js chat model (`import { withStrategist } from 'epo/langchain'`):
 *
 *   const model = withStrategist(new ChatOpenAI({ model: 'qwen' }), { strategist: 'local:./ckpt' });
 *   const agent = model.bindTools([search, book]);      // invoke, stream, bindTools, withStructuredOutput work
 *
 * Mechanism: a BaseChatModel subclass whose `_generate` / `_streamResponseChunks` place the strategy in the message
 * list and then call the wrapped model's public `invoke` / `stream`. Being a chat model itself, it keeps everything
 * LangChain builds on chat models (callbacks and tracing, streaming events, `bindTools`, `withStructuredOutput`,
 * use in agents). It calls the wrapped model's public methods rather than its `_generate` because providers keep
 * bound tools in their own way (ChatOpenAI in the defaults of a new ChatOpenAI, others in a RunnableBinding) and
 * merge them only there; `bindTools` on the wrapper binds them on the wrapped model and wraps the result again.
 */
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { EpoError } from '../../core/errors.js';
import type { CompletionUsage } from '../../llm/model.js';
import type { AgentMessage, ContentPart } from '../conversation.js';
import { appendNote, placeStrategy, type Placement } from '../placement.js';
import { Guide, type Advice, type StrategistOptions } from './guide.js';

export interface StrategistCallOptions extends BaseChatModelCallOptions {
  /** The session of this call (overrides the `session` option). */
  epoSession?: string;
}

export interface WithStrategistOptions extends StrategistOptions {
  /**
   * The session of a call: a fixed id, or a function of the messages. Without one (and without the `epoSession`
   * call option) a call joins the session whose conversation it extends, or starts a new one.
   */
  session?: string | ((messages: BaseMessage[]) => string | undefined);
}

const ROLE: Record<string, string> = { system: 'system', developer: 'developer', human: 'user', ai: 'assistant', tool: 'tool', function: 'function' };

const typeOf = (m: BaseMessage): string => m.type ?? m._getType();

const contentOf = (content: BaseMessage['content']): AgentMessage['content'] => (typeof content === 'string'
  ? content
  : (content as { type: string; text?: string }[]).map((b): ContentPart => (b.type === 'text' ? { type: 'text', text: b.text } : { type: b.type })));

/** LangChain messages as the agent's conversation (tool calls with their arguments as JSON, as providers send them). */
export function messagesToConversation(messages: BaseMessage[]): AgentMessage[] {
  return messages.map((m): AgentMessage => {
    const type = typeOf(m);
    const role = type === 'generic' ? String((m as { role?: unknown }).role) : ROLE[type] ?? type;
    const out: AgentMessage = { role, content: contentOf(m.content) };
    const calls = (m as AIMessage).tool_calls;
    if (type === 'ai' && calls?.length) out.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } }));
    if (type === 'tool') {
      out.tool_call_id = (m as { tool_call_id?: string }).tool_call_id;
      if (m.name) out.name = m.name;
    }
    return out;
  });
}

function appendToMessage(m: BaseMessage, note: string): BaseMessage {
  let content: BaseMessage['content'];
  if (typeof m.content === 'string') content = appendNote(m.content, note);
  else {
    content = [...m.content, { type: 'text', text: `\n\n${note}` }] as BaseMessage['content']; // as injectStrategy does
  }
  const fields = { content, additional_kwargs: m.additional_kwargs, response_metadata: m.response_metadata, id: m.id, name: m.name };
  return typeOf(m) === 'human' ? new HumanMessage(fields) : new SystemMessage(fields);
}

const newMessage = (role: 'system' | 'user' | 'assistant', text: string): BaseMessage =>
  (role === 'system' ? new SystemMessage(text) : role === 'user' ? new HumanMessage(text) : new AIMessage(text));

/** A new message list with the strategy placed; the input is not changed. */
export function placeInMessages(messages: BaseMessage[], placement: Placement): BaseMessage[] {
  const out = [...messages];
  if (placement.op === 'insert') out.splice(placement.index, 0, newMessage(placement.role, placement.text));
  else out[placement.index] = appendToMessage(out[placement.index], placement.text);
  return out;
}

const usageOf = (m: AIMessage): CompletionUsage | undefined =>
  (m.usage_metadata ? { promptTokens: m.usage_metadata.input_tokens, completionTokens: m.usage_metadata.output_tokens } : undefined);

type Inner = Runnable<BaseLanguageModelInput, AIMessageChunk>;

/**
 * The answer as the AIMessageChunk this chat model declares (providers answer `invoke` with an AIMessage; LangChain's
 * own structured-output parser accepts only chunks).
 */
function asChunk(m: AIMessage): AIMessageChunk {
  if (AIMessageChunk.isInstance(m)) return m;
  return new AIMessageChunk({
    content: m.content, id: m.id, name: m.name, tool_calls: m.tool_calls, invalid_tool_calls: m.invalid_tool_calls,
    additional_kwargs: m.additional_kwargs, response_metadata: m.response_metadata, usage_metadata: m.usage_metadata,
  });
}

export class StrategistChatModel extends BaseChatModel<StrategistCallOptions, AIMessageChunk> {
  constructor(
    /** The chat model wrapped (tools are bound on it). */
    readonly wrapped: BaseChatModel,
    private readonly guide: Guide,
    private readonly options: WithStrategistOptions,
    /** What is called: the wrapped model, or it with tools bound. */
    private readonly inner: Inner = wrapped as unknown as Inner,
  ) {
    super({});
  }

  // called by LangChain's constructor, before this class's fields are set: a constant
  _llmType(): string {
    return 'epo-strategist';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<StrategistCallOptions>): StrategistChatModel {
    if (!this.wrapped.bindTools) {
      throw new EpoError('BAD_INPUT', `the wrapped chat model (${this.wrapped.getName()}) cannot bind tools; use a chat model with tool calling`, { where: 'withStrategist(model)' });
    }
    return new StrategistChatModel(this.wrapped, this.guide, this.options, this.wrapped.bindTools(tools, kwargs) as Inner);
  }

  /** The strategy for this call, placed; the options to pass on, without ours. */
  private async prepare(messages: BaseMessage[], options: this['ParsedCallOptions']) {
    const { epoSession, promptIndex: _p, ...rest } = options as StrategistCallOptions & { promptIndex?: number };
    const named = epoSession ?? (typeof this.options.session === 'function' ? this.options.session(messages) : this.options.session);
    const conversation = messagesToConversation(messages);
    const advice = await this.guide.advise(conversation, named, options.signal);
    const sent = advice.strategy === undefined ? messages
      : placeInMessages(messages, placeStrategy(conversation.map((m) => m.role), advice.strategy, this.guide.inject));
    // the wrapper's run carries the caller's callbacks (LLM runs have no child runs); the wrapped model keeps its own
    return { advice, sent, passOn: rest };
  }

  private record(advice: Advice, sent: BaseMessage[], answer: AIMessage): void {
    const reply: AgentMessage = messagesToConversation([answer])[0];
    this.guide.answered(advice, messagesToConversation(sent), { ...reply, content: answer.text }, `langchain:${this.wrapped._llmType()}:${modelName(this.wrapped)}`, usageOf(answer));
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], _runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    const { advice, sent, passOn } = await this.prepare(messages, options);
    const message = asChunk(await this.inner.invoke(sent, passOn));
    this.record(advice, sent, message);
    return { generations: [{ text: message.text, message }] };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const { advice, sent, passOn } = await this.prepare(messages, options);
    let all: AIMessageChunk | undefined;
    for await (const chunk of await this.inner.stream(sent, passOn)) {
      all = all ? all.concat(chunk) : chunk;
      yield new ChatGenerationChunk({ message: chunk, text: chunk.text });
      await runManager?.handleLLMNewToken(chunk.text);
    }
    this.record(advice, sent, all ?? new AIMessageChunk(''));
  }
}

/** The model name a LangChain chat model reports, when it has one. */
const modelName = (m: BaseChatModel): string => {
  const x = m as unknown as { model?: unknown; modelName?: unknown };
  return String(x.model ?? x.modelName ?? m.getName());
};

/** Put a strategist in front of a LangChain chat model. */
export function withStrategist(model: BaseChatModel, options: WithStrategistOptions): StrategistChatModel {
  return new StrategistChatModel(model, new Guide(options), options);
}

export type { StrategyRecord, StrategistOptions } from './guide.js';
