/**
 * Merge runs (e.g. the shards of one evaluation) into one run store. The sources must share a protocol (all fields
 * but the shard and the code version; runs without a protocol record are compared through what their episodes
 * record, see run-protocol.ts); an episode id present in several sources is kept once, from the first. The target
 * run is locked while it is written.
 */
import { existsSync } from 'node:fs';
import { EpoError } from '../core/errors.js';
import { existingRunDir, runDir } from './run-dir.js';
import { lockRun, type RunLock } from './run-lock.js';
import { protocolKey, runConditions, sameConditions } from './run-protocol.js';
import { RunStore } from './run-store.js';

export interface MergeResult {
  episodes: number;
  duplicates: number;
  perSource: Record<string, number>;
}

type Rec = Record<string, unknown>;

export function mergeRuns(into: string, from: string[], runsRoot?: string): MergeResult {
  if (from.length === 0) throw new EpoError('BAD_INPUT', 'nothing to merge: give the source runs', { where: '--from' });
  if (from.includes(into)) throw new EpoError('BAD_INPUT', `run "${into}" cannot be merged into itself`, { where: '--from' });
  for (const name of from) existingRunDir(name, runsRoot);
  const targetDir = runDir(into, runsRoot);
  const sources: { name: string; store: RunStore }[] = [];
  let target: RunStore | undefined;
  let lock: RunLock | undefined;
  try {
    for (const name of from) sources.push({ name, store: RunStore.open(existingRunDir(name, runsRoot).store) });
    const protocols = sources.map((s) => s.store.getMeta<Rec>('protocol'));
    const conditions = sources.map((s) => runConditions(s.store));
    const differs = (i: number, refProtocol: Rec | undefined, refConditions: ReturnType<typeof runConditions>) =>
      protocolKey(protocols[i]) !== protocolKey(refProtocol)
      || (conditions[i] !== undefined && refConditions !== undefined && !sameConditions(conditions[i]!, refConditions));
    const refuse = (i: number, name: string) => {
      throw new EpoError('BAD_INPUT', `run "${sources[i].name}" was made with another protocol than run "${name}"; only runs of one evaluation can be merged`, { where: sources[i].store.path });
    };
    sources.forEach((_, i) => { if (differs(i, protocols[0], conditions[0])) refuse(i, sources[0].name); });
    lock = lockRun(targetDir); // once the sources agree, so a refused merge leaves no target behind
    const targetPath = targetDir.store;
    const existed = existsSync(targetPath);
    target = RunStore.open(targetPath);
    const before = existed ? target.getMeta<Rec>('protocol') : undefined;
    const beforeConditions = existed ? runConditions(target) : undefined;
    if (before || beforeConditions) sources.forEach((_, i) => { if (differs(i, before, beforeConditions)) refuse(i, into); });
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
    target?.close();
    for (const s of sources) s.store.close();
    lock?.release();
  }
}
