/**
 * What the framework adapters share: the strategist behind an agent's model calls. Per session it keeps what the
 * strategist has seen (so its chat extends call by call), asks it for the strategy of each call, reports the
 * strategist's exact input and output, and hands finished calls to a session log. The adapters only translate
 * between their framework's messages and AgentMessage.
 */
import type { Call, ModelRef } from '../../core/episode.js';
import { describeError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/messages.js';
import { createModel } from '../../llm/create.js';
import type { ChatModel, CompletionUsage } from '../../llm/model.js';
import { publicSpec } from '../../llm/spec.js';
import type { AgentMessage } from '../conversation.js';
import type { InjectMode } from '../inject.js';
import type { StrategistPrompt } from '../prompt.js';
import type { SessionLog } from '../session-log.js';
import { extendsSeen, strategize, type StrategistState, type Strategizing } from '../strategize.js';

/** What the strategist was asked and answered for one model call of a session. */
export interface StrategyRecord {
  session: string;
  /** The call's number in its session, from 0. */
  call: number;
  /** The strategist's exact input chat and output text. */
  input: ChatMessage[];
  output: string;
  /** The strategy injected (the output, trimmed). */
  strategy: string;
  usage: CompletionUsage;
  ms: number;
  /** True when the agent rewrote its history and the strategist started afresh. */
  restarted: boolean;
}

export interface StrategistOptions {
  /** The strategist: an epo ChatModel or a model spec (`openai:…`, `http://…#model`, `local:…`, `scripted:…`). */
  strategist: ChatModel | string;
  /** Where the strategy goes: `system` (default), `user` or `assistant-prefix` (see docs/plug-in.md). */
  inject?: InjectMode;
  /** Told each strategy with the strategist's exact input and output. */
  onStrategy?: (record: StrategyRecord) => void;
  /** Record every call into this log (sessions become episodes of its run). */
  log?: SessionLog;
  /** When the strategist fails: `fail` (default) fails the call; `pass` sends the agent's request as it was. */
  onStrategistError?: 'fail' | 'pass';
  prompt?: StrategistPrompt;
  temperature?: number;
  maxTokens?: number;
  /** Sessions remembered at once (the least recently used is forgotten first). Default 1000. */
  maxSessions?: number;
}

/** The strategist's part of one model call. */
export interface Advice {
  session: string;
  call: number;
  conversation: AgentMessage[];
  /** Absent when the strategist failed and the call goes on without. */
  strategy?: string;
  strategist?: Call;
  error?: string;
  startedAt: number;
}

interface Session {
  state?: StrategistState;
  calls: number;
}

let sessionCounter = 0;
const newSessionId = () => `session-${Date.now().toString(36)}-${(++sessionCounter).toString(36)}`;

export class Guide {
  readonly inject: InjectMode;
  private readonly sessions = new Map<string, Session>();
  private model?: Promise<ChatModel>;

  constructor(private readonly opts: StrategistOptions) {
    this.inject = opts.inject ?? 'system';
  }

  /** The strategist's public spec, for records. */
  get strategistSpec(): string {
    return publicSpec(typeof this.opts.strategist === 'string' ? this.opts.strategist : this.opts.strategist.spec);
  }

  private strategist(): Promise<ChatModel> {
    const s = this.opts.strategist;
    this.model ??= typeof s !== 'string' ? Promise.resolve(s) : (async () => {
      // local: specs need the built-in model's backend; the library entry registers it, a subpath import may not have
      if (s.trim().startsWith('local:')) (await import('../../builtins.js')).registerBuiltins();
      return createModel(s);
    })();
    return this.model;
  }

  /**
   * The session a conversation belongs to: the one named, or else the remembered session whose conversation this one
   * extends with new messages (the longest such), or else a new one.
   */
  sessionOf(conversation: AgentMessage[], named?: string): string {
    if (named) return named;
    let best: string | undefined, bestLength = -1;
    for (const [id, s] of this.sessions) {
      const seen = s.state?.seen;
      if (!seen || seen.length >= conversation.length || seen.length <= bestLength || !extendsSeen(seen, conversation)) continue;
      best = id;
      bestLength = seen.length;
    }
    return best ?? newSessionId();
  }

  private session(id: string): Session {
    const s = this.sessions.get(id) ?? { calls: 0 };
    this.sessions.delete(id); // re-insert: the Map's order is the order of use
    this.sessions.set(id, s);
    const max = this.opts.maxSessions ?? 1000;
    for (const old of this.sessions.keys()) {
      if (this.sessions.size <= max) break;
      this.sessions.delete(old);
    }
    return s;
  }

  /** Ask the strategist for this call's strategy. */
  async advise(conversation: AgentMessage[], named?: string, signal?: AbortSignal): Promise<Advice> {
    const startedAt = Date.now();
    const id = this.sessionOf(conversation, named);
    const s = this.session(id);
    const call = s.calls++;
    let r: Strategizing;
    try {
      r = await strategize(conversation, {
        strategist: await this.strategist(), state: s.state, prompt: this.opts.prompt,
        temperature: this.opts.temperature, maxTokens: this.opts.maxTokens, signal,
      });
    } catch (e) {
      if ((this.opts.onStrategistError ?? 'fail') === 'fail') throw e;
      return { session: id, call, conversation, error: describeError(e), startedAt };
    }
    s.state = r.state;
    const ms = Date.now() - startedAt;
    const strategist: Call = { input: r.input, output: r.result.text, usage: r.result.usage, ms, ...(r.result.truncated ? { truncated: true } : {}) };
    // outside the try: a failing callback is the caller's error, never taken for a strategist failure
    this.opts.onStrategy?.({ session: id, call, input: r.input, output: r.result.text, strategy: r.strategy, usage: r.result.usage, ms, restarted: r.restarted });
    return { session: id, call, conversation, strategy: r.strategy, strategist, startedAt };
  }

  /** The call is answered: record it (when there is a log). `actor` names the agent's model. */
  answered(advice: Advice, sent: AgentMessage[], answer: AgentMessage, actor: string, usage?: CompletionUsage): void {
    const log = this.opts.log;
    if (!log) return;
    const models: Record<string, ModelRef> = { strategist: { spec: this.strategistSpec }, actor: { spec: actor } };
    log.record(advice.session, {
      request: advice.conversation, sent, answer,
      ...(advice.strategist ? { strategist: advice.strategist } : {}),
      ...(advice.error ? { strategistError: advice.error } : {}),
      ...(usage ? { usage } : {}),
      ms: Date.now() - advice.startedAt,
    }, models);
  }
}
