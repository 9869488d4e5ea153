/** Files of one item per line named by flags (`--actions`): a missing or unreadable file is an error naming it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { EpoError } from '../core/errors.js';

/** The non-empty lines of `src` ("-": standard input), without line-end carriage returns. */
export function readLines(src: string, flag: string, what: string): string[] {
  const one = what.replace(/s$/, '');
  let text: string;
  if (src === '-') text = readFileSync(0, 'utf8');
  else {
    if (!existsSync(src)) throw new EpoError('NOT_FOUND', `the ${what} file ${src} does not exist; give a file with one ${one} per line, or - for standard input`, { where: `${flag} ${src}` });
    if (statSync(src).isDirectory()) throw new EpoError('BAD_INPUT', `${src} is a folder; give a file with one ${one} per line`, { where: `${flag} ${src}` });
    try { text = readFileSync(src, 'utf8'); } catch (e) {
      throw new EpoError('BAD_INPUT', `cannot read the ${what} file ${src} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { where: `${flag} ${src}`, cause: e });
    }
  }
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}
