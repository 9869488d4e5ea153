/** A one-line progress bar with rate and ETA on a TTY; silent elsewhere (CI), where callers log milestones. */
export interface Progress {
  tick(n?: number, note?: string): void;
  done(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY && !process.env.CI;
  const start = Date.now();
  let count = 0;
  let last = 0;
  const draw = (note = '') => {
    const secs = (Date.now() - start) / 1000;
    const rate = count / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const width = 24;
    const filled = total > 0 ? Math.round((count / total) * width) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    stream.write(`\r${label} ${bar} ${count}/${total} ${rate.toFixed(1)}/s eta ${Number.isFinite(eta) ? formatSeconds(eta) : '?'} ${note}`.slice(0, (stream.columns ?? 120) - 1) + '\x1b[K');
  };
  return {
    tick(n = 1, note) {
      count += n;
      if (tty && Date.now() - last > 100) { last = Date.now(); draw(note); }
    },
    done() {
      if (tty) { draw(); stream.write('\n'); }
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Per-episode progress of the stages of long work (eval, self-play, demo), shown one way everywhere: on a TTY the
 * line is redrawn in place (and closed when the stage's last episode is in); elsewhere a line is said at every tenth
 * of the stage and at its end, so CI logs stay short.
 */
export interface LineProgress {
  /** The progress line of a stage after an episode: `done` of `total` episodes (stored ones included). */
  update(stage: string, line: string, done?: number, total?: number): void;
  /** Close a drawn line (before other output, or at the end). */
  end(): void;
}

export function createLineProgress(o: { say(line: string): void; stream?: NodeJS.WritableStream & { isTTY?: boolean }; tty?: boolean; quiet?: boolean }): LineProgress {
  const stream = o.stream ?? process.stderr;
  const tty = o.tty ?? (Boolean(stream.isTTY) && !process.env.CI);
  let current = '', lastSaid = 0, drawn = false;
  const end = () => { if (drawn) { stream.write('\n'); drawn = false; } };
  return {
    update(stage, line, done, total) {
      if (o.quiet) return;
      if (stage !== current) { end(); current = stage; lastSaid = 0; }
      const text = stage ? `${stage}: ${line}` : line;
      if (tty) {
        stream.write(`\r${text}\x1b[K`);
        drawn = true;
        if (done !== undefined && done === total) end();
        return;
      }
      if (done === undefined || total === undefined) return;
      if (done === total || done - lastSaid >= Math.max(1, Math.ceil(total / 10))) { lastSaid = done; o.say(text); }
    },
    end,
  };
}
