/**
 * Open sessions: found by `X-EPO-Session` or by conversation prefix (session-key.ts), one request at a time each
 * (a session's strategist chat must grow in order), closed by an outcome, by idleness or at shutdown, and then
 * stored once. A session whose strategist chat could not go on (the agent rewrote its history under the same
 * session id) is stored as it was and the session goes on as the next trial of the same id.
 */
import { randomUUID } from 'node:crypto';
import type { Episode, ModelRef, Outcome, Turn } from '../../core/episode.js';
import { renderMessages, type AgentMessage } from '../conversation.js';
import type { StrategistState } from '../strategize.js';
import { answerMessage, type Answer } from './answer.js';
import { firstUserText } from '../session-episode.js';
import { sessionEpisode } from './episode.js';
import { ContinuationIndex, continuationKey, conversationKey } from './session-key.js';
import type { Arm } from './strategists.js';

export interface Session {
  id: string;
  trial: number;
  arm: Arm;
  models: Record<string, ModelRef>;
  state?: StrategistState;
  turns: Turn[];
  goal: string;
  initialObservation: string;
  startedAt: string;
  lastActive: number;
  inFlight: number;
  /** Requests of this session run one after another. */
  queue: Promise<void>;
  /** Filed in the continuation index (prefix sessions only). */
  byPrefix: boolean;
  closed: boolean;
}

export interface SessionTableOptions {
  run: string;
  seed: number;
  codeVersion: string;
  /** Arm and models of a new session. */
  start(): { arm: Arm; models: Record<string, ModelRef> };
  /** Store a closed session; it must not have been stored before. */
  save(e: Episode): void;
  /** Is this episode id already stored (a session id reused across proxy restarts)? */
  stored(id: string): boolean;
  now?: () => number;
}

export class SessionTable {
  private readonly open = new Map<string, Session>();
  private readonly index = new ContinuationIndex<Session>();
  private readonly trials = new Map<string, number>();
  private readonly now: () => number;
  saved = 0;

  constructor(private readonly o: SessionTableOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The session of a request: named by the header, or continued by prefix, or new. */
  find(messages: AgentMessage[], named?: string): Session {
    if (named !== undefined) return this.open.get(named) ?? this.create(named, messages, false);
    const key = continuationKey(messages);
    const found = key === undefined ? undefined : this.index.take(key, (s) => !s.closed);
    return found ?? this.create(`s-${randomUUID().slice(0, 13)}`, messages, true);
  }

  get(id: string): Session | undefined { return this.open.get(id); }

  size(): number { return this.open.size; }

  private nextTrial(id: string): number {
    let t = this.trials.get(id) ?? 0;
    while (this.o.stored(`${id}#${t}`)) t++;
    this.trials.set(id, t + 1);
    return t;
  }

  private create(id: string, messages: AgentMessage[], byPrefix: boolean): Session {
    const { arm, models } = this.o.start();
    const s: Session = {
      id, trial: this.nextTrial(id), arm, models, turns: [], goal: firstUserText(messages), initialObservation: renderMessages(messages),
      startedAt: new Date(this.now()).toISOString(), lastActive: this.now(), inFlight: 0, queue: Promise.resolve(), byPrefix, closed: false,
    };
    this.open.set(id, s);
    return s;
  }

  /** Run `fn` for this session after its earlier requests; marks it busy meanwhile. */
  async serialize<T>(s: Session, fn: () => Promise<T>): Promise<T> {
    s.inFlight++;
    const before = s.queue;
    let done!: () => void;
    s.queue = new Promise<void>((r) => { done = r; });
    try {
      await before;
      return await fn();
    } finally {
      s.inFlight--;
      s.lastActive = this.now();
      done();
    }
  }

  /** After an answer: the turn joins the session, and a prefix session is filed under its next request's key. */
  answered(s: Session, messages: AgentMessage[], answer: Answer, turn: Turn, state: StrategistState | undefined): void {
    s.turns.push(turn);
    if (state) s.state = state;
    if (s.byPrefix) this.index.file(conversationKey([...messages, answerMessage(answer)]), s);
  }

  /** A request that got no answer (upstream failure): a prefix session waits for the retry under its old key. */
  unanswered(s: Session, messages: AgentMessage[]): void {
    if (s.turns.length === 0) { this.drop(s); return; }
    const key = continuationKey(messages);
    if (s.byPrefix && key !== undefined) this.index.file(key, s);
  }

  /** The agent rewrote its history: store what the session had, and go on as the next trial of the same id. */
  restart(s: Session, messages: AgentMessage[]): void {
    if (s.turns.length) this.store(s, { reward: 0, success: false, reason: 'restarted' });
    s.trial = this.nextTrial(s.id);
    s.turns = [];
    s.state = undefined;
    s.goal = firstUserText(messages);
    s.initialObservation = renderMessages(messages);
    s.startedAt = new Date(this.now()).toISOString();
  }

  /** Close a session with its outcome and store it (a session with no turn is dropped, not stored). */
  close(s: Session, outcome: Outcome): Episode | undefined {
    if (s.closed) return undefined;
    s.closed = true;
    this.open.delete(s.id);
    if (s.byPrefix) this.index.remove(s);
    return s.turns.length ? this.store(s, outcome) : undefined;
  }

  private drop(s: Session): void {
    s.closed = true;
    this.open.delete(s.id);
  }

  private store(s: Session, outcome: Outcome): Episode {
    const e = sessionEpisode({
      sessionId: s.id, trial: s.trial, run: this.o.run, seed: this.o.seed, arm: s.arm, models: s.models, codeVersion: this.o.codeVersion,
      goal: s.goal, initialObservation: s.initialObservation, turns: s.turns, startedAt: s.startedAt,
    }, outcome, new Date(this.now()).toISOString());
    this.o.save(e);
    this.saved++;
    return e;
  }

  /** Close the sessions idle for `ms` or more (none in flight). */
  closeIdle(ms: number): Episode[] {
    const t = this.now();
    const out: Episode[] = [];
    for (const s of [...this.open.values()]) {
      if (s.inFlight === 0 && t - s.lastActive >= ms) {
        const e = this.close(s, { reward: 0, success: false, reason: 'idle' });
        if (e) out.push(e);
      }
    }
    return out;
  }

  /** At shutdown: every open session is stored. */
  closeAll(): Episode[] {
    const out: Episode[] = [];
    for (const s of [...this.open.values()]) {
      const e = this.close(s, { reward: 0, success: false, reason: 'shutdown' });
      if (e) out.push(e);
    }
    return out;
  }
}
