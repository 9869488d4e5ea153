/**
 * A run store of agent sessions: the adapters hand it each model call, and it writes each session as episodes
 * (src/plugin/session-episode.ts) when the session ends, so `epo label`, `epo dataset build` and `epo train` read
 * adapter sessions like any run. It holds the run's lock while open (one writer per run); `end()` writes the sessions
 * still open and gives the run free.
 */
import type { ModelRef } from '../core/episode.js';
import { EpoError } from '../core/errors.js';
import { codeVersion } from '../core/version.js';
import { ensureRunDir } from '../store/run-dir.js';
import { lockRun, type RunLock } from '../store/run-lock.js';
import { RunStore } from '../store/run-store.js';
import { sessionEpisodes, type SessionCall, type SessionMeta } from './session-episode.js';

export interface SessionLogOptions {
  /** The run to write (created when absent). */
  run: string;
  /** The folder of runs (default EPO_RUNS_DIR or ./runs). */
  runsRoot?: string;
}

export interface SessionOutcome {
  reward: number;
  success: boolean;
  [key: string]: unknown;
}

interface Open {
  calls: SessionCall[];
  models: Record<string, ModelRef>;
  startedAt: string;
}

export class SessionLog {
  readonly run: string;
  private readonly store: RunStore;
  private readonly lock: RunLock;
  private readonly open = new Map<string, Open>();
  private ended = false;

  constructor(opts: SessionLogOptions) {
    const dir = ensureRunDir(opts.run, opts.runsRoot);
    this.run = opts.run;
    this.lock = lockRun(dir, 'session log');
    try {
      this.store = RunStore.open(dir.store);
    } catch (e) {
      this.lock.release();
      throw e;
    }
  }

  /** Add one model call to its session (the session opens with its first call). */
  record(session: string, call: SessionCall, models: Record<string, ModelRef>): void {
    if (this.ended) throw new EpoError('BAD_INPUT', `the session log of run ${this.run} has ended; open a new one to record more`, { where: `session ${session}` });
    const s = this.open.get(session) ?? { calls: [], models, startedAt: new Date().toISOString() };
    s.calls.push(call);
    this.open.set(session, s);
  }

  /** The sessions not yet written. */
  sessions(): string[] {
    return [...this.open.keys()];
  }

  /**
   * End a session and store it. With an outcome (the agent's task reward in [0, 1] and whether it succeeded) its
   * last episode ends `done`; without, with reward 0 and `reason`. Returns the ids stored; none for an unknown session.
   */
  close(session: string, outcome?: SessionOutcome, reason = 'closed'): string[] {
    const s = this.open.get(session);
    if (!s) return [];
    this.open.delete(session);
    const meta: SessionMeta = {
      run: this.run, session, models: s.models, codeVersion: codeVersion(), startedAt: s.startedAt,
      finishedAt: new Date().toISOString(), ...(outcome ? { outcome } : {}), reason,
    };
    const episodes = sessionEpisodes(s.calls, meta);
    this.store.putEpisodes(episodes);
    return episodes.map((e) => e.id);
  }

  /** Store every open session (reason `closed`), close the store and give the run free; idempotent. */
  end(): string[] {
    if (this.ended) return [];
    const ids = this.sessions().flatMap((s) => this.close(s));
    this.ended = true;
    this.store.close();
    this.lock.release();
    return ids;
  }
}
