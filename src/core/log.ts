/**
 * Logging: structured JSON lines to the run's log file, short readable lines to the terminal (stderr). Every line
 * passes through redaction. Progress output is drawn only on a TTY, so CI logs stay clean.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from './secrets.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  file?: string;
  /** Minimum level shown on the terminal (the file gets everything from debug up). */
  level?: Level;
  quiet?: boolean;
}

export function createLogger(opts: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  if (opts.file) mkdirSync(dirname(opts.file), { recursive: true });
  const termLevel = ORDER[opts.level ?? (process.env.EPO_LOG_LEVEL as Level) ?? 'info'] ?? ORDER.info;
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    if (opts.file) appendFileSync(opts.file, redact(JSON.stringify(record)) + '\n');
    if (!opts.quiet && ORDER[level] >= termLevel) {
      const extra = Object.keys(fields).length ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
      process.stderr.write(redact(`${level === 'info' ? '' : level + ': '}${msg}${extra}`) + '\n');
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
