/**
 * Token counters for the cutoff check, named by a spec string: `chars4` (⌈characters / 4⌉, the default estimate) or
 * `<kind>:<arg>` for a registered loader (e.g. `local:<checkpoint dir>` once the built-in model registers its
 * tokenizer). Keeping a registry here lets tokenizers plug in without this layer importing them.
 */
import { EpoError } from '../../core/errors.js';
import type { CountTokens } from './cutoff.js';

export type TokenCounterLoader = (arg: string) => CountTokens | Promise<CountTokens>;

const loaders = new Map<string, TokenCounterLoader>();

export function registerTokenCounter(kind: string, loader: TokenCounterLoader): void {
  loaders.set(kind, loader);
}

export const CHARS4 = 'chars4';

/** The counter for a spec; undefined for the default estimate. */
export async function loadTokenCounter(spec: string | undefined): Promise<CountTokens | undefined> {
  if (spec === undefined || spec === CHARS4) return undefined;
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const loader = loaders.get(kind);
  if (!loader) {
    throw new EpoError('BAD_INPUT', `unknown tokenizer "${spec}"; available: ${[CHARS4, ...[...loaders.keys()].map((k) => `${k}:<arg>`)].join(', ')}`, { where: '--tokenizer' });
  }
  return loader(colon < 0 ? '' : spec.slice(colon + 1));
}
