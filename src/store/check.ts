/**
 * `epo runs check`: how sound a run store is and what can be saved from it. SQLite's integrity check of the file,
 * then every record read back one by one (meta records, episodes, labels), so a damaged one is named and the rest
 * is known to be readable (and can be exported into a new run).
 */
import { reasonOf, type DamagedEpisode, type RunStore } from './run-store.js';

export interface StoreCheck {
  path: string;
  /** SQLite's findings; empty when the file is sound. */
  integrity: string[];
  meta: { readable: number; damaged: DamagedEpisode[] };
  episodes: { readable: string[]; damaged: DamagedEpisode[]; unlisted?: string };
  labels: { readable: number; damaged: DamagedEpisode[] };
}

export function checkStore(store: RunStore): StoreCheck {
  const c: StoreCheck = {
    path: store.path, integrity: store.integrityProblems(),
    meta: { readable: 0, damaged: [] }, episodes: { readable: [], damaged: [] }, labels: { readable: 0, damaged: [] },
  };
  try {
    for (const key of store.metaKeys()) {
      try { store.getMeta(key); c.meta.readable++; } catch (e) { c.meta.damaged.push({ id: key, error: reasonOf(e) }); }
    }
  } catch (e) {
    c.meta.damaged.push({ id: '(all)', error: reasonOf(e) });
  }
  try {
    for (const e of store.episodes((d) => c.episodes.damaged.push(d))) c.episodes.readable.push(e.id);
  } catch (e) {
    c.episodes.unlisted = reasonOf(e);
  }
  try {
    c.labels.readable = store.labelRecords((d) => c.labels.damaged.push(d)).length;
  } catch (e) {
    c.labels.damaged.push({ id: '(all)', error: reasonOf(e) });
  }
  return c;
}

export const isSound = (c: StoreCheck): boolean =>
  !c.integrity.length && !c.meta.damaged.length && !c.episodes.damaged.length && !c.episodes.unlisted && !c.labels.damaged.length;

const list = (ds: DamagedEpisode[], max = 20) =>
  ds.slice(0, max).map((d) => `    ${d.id}: ${d.error}\n`).join('') + (ds.length > max ? `    … and ${ds.length - max} more\n` : '');

export function formatCheck(c: StoreCheck, run: string): string {
  let out = `run ${run}: ${c.path}\n`;
  out += c.integrity.length
    ? `integrity: damaged (${c.integrity.length} findings of SQLite's integrity check)\n${c.integrity.slice(0, 10).map((l) => `    ${l}\n`).join('')}${c.integrity.length > 10 ? `    … and ${c.integrity.length - 10} more\n` : ''}`
    : 'integrity: ok\n';
  out += c.meta.damaged.length ? `meta: ${c.meta.readable} readable, ${c.meta.damaged.length} damaged\n${list(c.meta.damaged)}` : `meta: ${c.meta.readable} records, ok\n`;
  out += c.episodes.unlisted
    ? `episodes: cannot be listed (${c.episodes.unlisted})\n`
    : `episodes: ${c.episodes.readable.length} readable, ${c.episodes.damaged.length} damaged\n${list(c.episodes.damaged)}`;
  out += `labels: ${c.labels.readable} readable, ${c.labels.damaged.length} damaged\n${list(c.labels.damaged)}`;
  if (isSound(c)) return out + 'the run store is sound\n';
  if (c.episodes.readable.length) {
    out += `to save what is readable: \`epo episodes export --run ${run} --out ${run}.jsonl\` (skips the damaged episodes), then `
      + `\`epo episodes import --run <new run> --in ${run}.jsonl\`; labels are not exported: label the new run again\n`;
  }
  return out;
}
