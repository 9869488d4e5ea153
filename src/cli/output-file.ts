/**
 * Output files named by flags (`--summary`): checked before any work starts, so a run of hours does not end on a
 * path that cannot be written, and written with an error that names the flag.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EpoError } from '../core/errors.js';

const reason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Refuse a folder, or a path whose folder cannot be made or written; creates the folder. */
export function checkOutputFile(path: string, flag: string): void {
  const abs = resolve(path);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    throw new EpoError('BAD_INPUT', `${flag} ${path} is a folder; give a file path, e.g. ${join(path, 'summary.json')}`, { where: flag });
  }
  try {
    mkdirSync(dirname(abs), { recursive: true });
    accessSync(existsSync(abs) ? abs : dirname(abs), constants.W_OK);
  } catch (e) {
    throw new EpoError('BAD_INPUT', `cannot write ${flag} ${path} (${reason(e)}); choose a writable file path`, { where: flag, cause: e });
  }
}

export function writeOutputFile(path: string, text: string, flag: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new EpoError('BAD_INPUT', `cannot write ${flag} ${path} (${reason(e)}); choose a writable file path`, { where: flag, cause: e });
  }
}
