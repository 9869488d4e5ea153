/** Capture what a command writes to stdout and stderr while it runs in this process. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';

export interface Captured {
  out: string;
  err: string;
  restore(): void;
}

export function captureOutput(): Captured {
  const c = { out: '', err: '', restore: () => {} };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { c.out += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { c.err += String(chunk); return true; });
  c.restore = () => { out.mockRestore(); err.mockRestore(); };
  return c;
}

/** Run `fn` with output captured; returns the output and the exit code it set (the exit code is reset after). */
export async function captured(fn: () => Promise<unknown>): Promise<{ out: string; err: string; exitCode: number | undefined; error?: unknown }> {
  const c = captureOutput();
  const before = process.exitCode;
  process.exitCode = undefined;
  let error: unknown;
  try { await fn(); } catch (e) { error = e; } finally { c.restore(); }
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = before;
  return { out: c.out, err: c.err, exitCode, error };
}

/** The bytes of every file under a folder, as one latin1 string (to search stores and logs for a value). */
export function folderBytes(dir: string): string {
  let all = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    all += statSync(p).isDirectory() ? folderBytes(p) : readFileSync(p).toString('latin1');
  }
  return all;
}
