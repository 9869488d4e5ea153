/**
 * Nouns of a product title for the reward's type factor. The original tags titles with spaCy's en_core_web_lg and
 * keeps NOUN/PROPN tokens; this uses wink-nlp's English model (Universal POS tags too), loaded on first use and
 * cached per title.
 */
import { createRequire } from 'node:module';

interface WinkDoc { tokens(): { out(f?: unknown): string[] } }
interface Wink { readDoc(text: string): WinkDoc; its: { pos: unknown; value: unknown } }

let nlp: Wink | undefined;
const cache = new Map<string, string[]>();

function tagger(): Wink {
  if (!nlp) {
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as (model: unknown) => Wink;
    nlp = winkNLP(require('wink-eng-lite-web-model'));
  }
  return nlp;
}

/** Lower-cased NOUN and PROPN tokens of `text`, in order (duplicates kept). */
export function titleNouns(text: string): string[] {
  let nouns = cache.get(text);
  if (nouns) return nouns;
  const doc = tagger().readDoc(text);
  const words = doc.tokens().out();
  const tags = doc.tokens().out(tagger().its.pos);
  nouns = words.filter((_, i) => tags[i] === 'NOUN' || tags[i] === 'PROPN').map((w) => w.toLowerCase());
  if (cache.size > 200_000) cache.clear();
  cache.set(text, nouns);
  return nouns;
}
