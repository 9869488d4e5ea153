/**
 * PDDL ids in the official style (`Cabinet_bar__plus_00_dot_95_bar__plus_02_dot_16_bar__minus_00_dot_76`, a type
 * and coordinates) and the display names ALFWorld derives from them ("cabinet 3"): ids lower-cased and sorted,
 * instances of each kind counted, numbers handed out from the highest down in sorted order; a basin's id carries
 * its parent fixture first (`Sink_bar_…_bar_SinkBasin`) and is named "sinkbasin N".
 */
import type { Rng } from '../../../core/random.js';

/** `+02.04` in id spelling: `_plus_02_dot_04`; zero has no sign. */
function coord(x: number): string {
  const cents = Math.round(Math.abs(x) * 100);
  const text = `${String(Math.floor(cents / 100)).padStart(2, '0')}_dot_${String(cents % 100).padStart(2, '0')}`;
  return cents === 0 ? text : `${x < 0 ? '_minus_' : '_plus_'}${text}`;
}

const int = (n: number): string => (n < 0 ? `_minus_${-n}` : String(n));

/** A fresh object or receptacle id of this type, distinct from every id in `taken`. */
export function thingId(rng: Rng, type: string, taken: Set<string>): string {
  for (;;) {
    const xyz = [rng.uniform(-4, 4), rng.uniform(0, 2.2), rng.uniform(-4, 4)].map(coord).join('_bar_');
    const id = type.endsWith('Basin') ? `${type.slice(0, -'Basin'.length)}_bar_${xyz}_bar_${type}` : `${type}_bar_${xyz}`;
    if (!taken.has(id.toLowerCase())) { taken.add(id.toLowerCase()); return id; }
  }
}

/** A fresh location id `loc_bar_<x>_bar_<z>_bar_<rotation>_bar_<horizon>`. */
export function locationId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const id = `loc_bar_${int(rng.int(25) - 12)}_bar_${int(rng.int(25) - 12)}_bar_${rng.int(4)}_bar_${int(rng.pick([-30, 0, 15, 30, 45, 60]))}`;
    if (!taken.has(id)) { taken.add(id); return id; }
  }
}

/** Display names for ids, as the renaming step of ALFWorld's environment computes them. */
export function displayNames(ids: Iterable<string>): Map<string, string> {
  const kindOf = (low: string): string | undefined => {
    const cut = low.indexOf('_bar_');
    if (cut < 0) return undefined;
    return low.slice(0, cut) + (low.includes('basin') ? 'basin' : '');
  };
  const sorted = [...new Set(ids)].map((id) => [id.toLowerCase(), id] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const left = new Map<string, number>();
  for (const [low] of sorted) {
    const k = kindOf(low);
    if (k !== undefined) left.set(k, (left.get(k) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const [low, id] of sorted) {
    const k = kindOf(low);
    if (k === undefined) continue;
    const n = left.get(k)!;
    left.set(k, n - 1);
    names.set(id, `${k} ${n}`);
  }
  return names;
}
