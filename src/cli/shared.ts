/** Helpers every long-running command shares: stopping cleanly on a signal, and the `--next` values of self-play. */
import { setMaxListeners } from 'node:events';
import { EpoError } from '../core/errors.js';

/** Abort on the first SIGINT/SIGTERM (work done so far is kept), exit at once on the second. */
export function interruptible(): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  setMaxListeners(0, ctrl.signal); // every episode in flight listens on it
  let n = 0;
  const on = (sig: string) => {
    if (++n > 1) process.exit(130);
    process.stderr.write(`\n${sig}: stopping; finished work is saved, re-run the same command to resume\n`);
    ctrl.abort(new EpoError('INTERRUPTED', `interrupted by ${sig}`));
  };
  const a = () => on('SIGINT'), b = () => on('SIGTERM');
  process.on('SIGINT', a); process.on('SIGTERM', b);
  return { signal: ctrl.signal, dispose: () => { process.off('SIGINT', a); process.off('SIGTERM', b); } };
}

/** `--next 1=http://…#m` flags → { 1: 'http://…#m' }. */
export function parseNext(flags: readonly string[]): Record<number, string> {
  const next: Record<number, string> = {};
  for (const kv of flags) {
    const m = /^(\d+)=(.+)$/.exec(kv);
    if (!m) throw new EpoError('BAD_INPUT', `expected <iteration>=<spec>, got "${kv}"`, { where: '--next' });
    next[Number(m[1])] = m[2];
  }
  return next;
}

/** The bearer token clients must send, read from the environment variable `--token-env` names (never from a flag,
 *  so it stays out of shell history and process lists); undefined when no variable is named. */
export function tokenFromEnv(variable: string | undefined): string | undefined {
  if (!variable) return undefined;
  const token = process.env[variable];
  if (!token) throw new EpoError('BAD_CONFIG', `environment variable ${variable} is not set`, { where: '--token-env' });
  return token;
}
