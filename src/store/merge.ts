/**
 * Merge runs (e.g. the shards of one evaluation) into one run store. The sources must share a protocol (all fields
 * but the shard and the code version); an episode id present in several sources is kept once, from the first.
 */
import { existsSync } from 'node:fs';
import { EpoError } from '../core/errors.js';
import { existingRunDir, runDir } from './run-dir.js';
import { RunStore } from './run-store.js';

export interface MergeResult {
  episodes: number;
  duplicates: number;
  perSource: Record<string, number>;
}

const comparable = (p: Record<string, unknown> | undefined) => {
  if (!p) return undefined;
  const { shard: _s, codeVersion: _c, mergedFrom: _m, ...rest } = p;
  return JSON.stringify(rest);
};

export function mergeRuns(into: string, from: string[], runsRoot?: string): MergeResult {
  if (from.length === 0) throw new EpoError('BAD_INPUT', 'nothing to merge: give the source runs', { where: '--from' });
  if (from.includes(into)) throw new EpoError('BAD_INPUT', `run "${into}" cannot be merged into itself`, { where: '--from' });
  const sources = from.map((name) => {
    const d = existingRunDir(name, runsRoot);
    return { name, store: RunStore.open(d.store) };
  });
  const protocols = sources.map((s) => s.store.getMeta<Record<string, unknown>>('protocol'));
  const mismatch = (ref: string | undefined, name: string) => (p: Record<string, unknown> | undefined, i: number) => {
    if (comparable(p) !== ref) {
      for (const s of sources) s.store.close();
      throw new EpoError('BAD_INPUT', `run "${sources[i].name}" was made with another protocol than run "${name}"; only runs of one evaluation can be merged`, { where: sources[i].store.path });
    }
  };
  protocols.forEach(mismatch(comparable(protocols[0]), sources[0].name));
  const targetPath = runDir(into, runsRoot).store;
  const existing = existsSync(targetPath) ? RunStore.open(targetPath) : undefined;
  const before = existing?.getMeta<Record<string, unknown>>('protocol');
  existing?.close();
  if (before) protocols.forEach(mismatch(comparable(before), into));
  const target = RunStore.open(targetPath);
  try {
    const seen = target.finishedIds();
    const result: MergeResult = { episodes: 0, duplicates: 0, perSource: {} };
    for (const s of sources) {
      const fresh = [...s.store.episodes()].filter((e) => {
        if (seen.has(e.id)) { result.duplicates++; return false; }
        seen.add(e.id);
        return true;
      });
      result.perSource[s.name] = target.putEpisodes(fresh.map((e) => ({ ...e, run: into })));
      result.episodes += result.perSource[s.name];
    }
    if (!before) {
      // a new target takes the first source's records (configs of other benchmarks included), minus shard details
      for (const [key, value] of Object.entries(sources[0].store.allMeta())) {
        if (key !== 'protocol' && key !== 'summary' && target.getMeta(key) === undefined) target.setMeta(key, value);
      }
      if (protocols[0]) {
        const { shard: _s, ...merged } = protocols[0];
        target.setMeta('protocol', { ...merged, mergedFrom: from });
      }
    }
    return result;
  } finally {
    target.close();
    for (const s of sources) s.store.close();
  }
}
