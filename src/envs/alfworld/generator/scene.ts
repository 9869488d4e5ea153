/**
 * Scene sampling: a room's receptacles (how many of each type), the objects in it and where they lie, which
 * receptacles open and whether they start closed, all drawn from the measured statistics (stats.ts). The task
 * adds requirements (a sink for cleaning, two candidate objects for pick-two, ...) that the scene must meet.
 */
import { EpoError } from '../../../core/errors.js';
import type { Rng } from '../../../core/random.js';
import { displayNames, locationId, thingId } from './ids.js';
import {
  FLOOR, OBJECT_PROPS, histogramMean, sampleHistogram, sampleWeighted,
  type AlfworldStats, type ObjectProp, type RoomType,
} from './stats.js';

export interface SceneReceptacle { id: string; type: string; loc: string; openable: boolean; opened: boolean }
export interface SceneObject { id: string; type: string; loc: string; /** Receptacle id; undefined on the floor. */ in?: string; props: ObjectProp[] }

export interface Scene {
  room: RoomType;
  /** Scene number in the folder name: the room's AI2-THOR hundred (kitchen 0, living room 200, ...) + 31..99. */
  scene: number;
  agentLoc: string;
  receptacles: SceneReceptacle[];
  objects: SceneObject[];
  /** Display name of every object and receptacle id ("cabinet 3"). */
  names: Map<string, string>;
}

export interface SceneKnobs {
  /** Inclusive range for the number of receptacles; default: as the statistics give. */
  receptacles?: [number, number];
  /** Number of objects besides the ones the task needs; default: as the statistics give. */
  distractors?: number;
  /** Probability that an openable receptacle starts closed; default: measured (1.0 in the official games). */
  closedShare?: number;
}

/** What the task needs from the scene. */
export interface SceneNeeds {
  receptacles: string[];
  /** Objects that must lie in a receptacle (never `avoid`), with how many instances at least. */
  objects: { type: string; count: number; /** Properties these instances must have (e.g. pickupable, heatable). */ props: ObjectProp[] }[];
  /** Objects of type `object` may not start in receptacles of type `receptacle` (the goal would hold already). */
  avoid?: { object: string; receptacle: string };
}

const ROOM_BASE: Record<RoomType, number> = { kitchen: 0, livingroom: 200, bedroom: 300, bathroom: 400 };

export function sampleScene(rng: Rng, stats: AlfworldStats, room: RoomType, needs: SceneNeeds, knobs: SceneKnobs = {}): Scene {
  const rs = stats.rooms[room];
  // 1. Receptacle counts per type.
  const rtypes = Object.keys(rs.receptacles);
  const counts = new Map(rtypes.map((t) => [t, sampleHistogram(rng, rs.receptacles[t])]));
  for (const t of needs.receptacles) counts.set(t, Math.max(1, counts.get(t) ?? 0));
  const total = (): number => [...counts.values()].reduce((a, b) => a + b, 0);
  const [lo, hi] = knobs.receptacles ?? [1, Infinity];
  if (lo > hi || hi < needs.receptacles.length) {
    throw new EpoError('BAD_INPUT', `receptacle range ${lo}-${hi} cannot hold the ${needs.receptacles.length} receptacles the task needs`, { where: '--receptacles' });
  }
  while (total() < lo) {
    const t = rtypes[sampleWeighted(rng, rtypes.map((x) => histogramMean(rs.receptacles[x])))];
    counts.set(t, counts.get(t)! + 1);
  }
  while (total() > hi) {
    const spare = rtypes.filter((t) => counts.get(t)! > (needs.receptacles.includes(t) ? 1 : 0));
    const t = spare[sampleWeighted(rng, spare.map((x) => counts.get(x)!))];
    counts.set(t, counts.get(t)! - 1);
  }

  const taken = new Set<string>();
  const locs = new Set<string>();
  const closedShare = knobs.closedShare;
  const receptacles: SceneReceptacle[] = [];
  for (const t of rtypes) {
    const p = stats.receptacleProps[t];
    for (let i = 0; i < counts.get(t)!; i++) {
      const openable = rng.next() < (p?.openable ?? 0);
      const closed = rng.next() < (closedShare ?? p?.closedAtStart ?? 1);
      receptacles.push({ id: thingId(rng, t, taken), type: t, loc: locationId(rng, locs), openable, opened: openable && !closed });
    }
  }

  // Places shared by several receptacles (a coffee machine on a countertop, stacked drawers), as often as measured.
  const alone = new Set(receptacles);
  for (const [sig, hist] of Object.entries(rs.sharedLocations ?? {})) {
    for (let k = sampleHistogram(rng, hist); k > 0; k--) {
      const group: SceneReceptacle[] = [];
      for (const t of sig.split('+')) {
        const free = receptacles.filter((r) => r.type === t && alone.has(r) && !group.includes(r));
        if (!free.length) break;
        group.push(rng.pick(free));
      }
      if (group.length !== sig.split('+').length) continue;
      for (const r of group) { alone.delete(r); r.loc = group[0].loc; }
    }
  }

  // 2. Object instances: the task's, then distractors.
  const otypes = Object.keys(rs.objects);
  const wanted: { type: string; required: boolean; force?: ObjectProp[] }[] = [];
  for (const n of needs.objects) for (let i = 0; i < n.count; i++) wanted.push({ type: n.type, required: true, force: n.props });
  if (knobs.distractors === undefined) {
    for (const t of otypes) {
      const have = needs.objects.find((n) => n.type === t)?.count ?? 0;
      const k = sampleHistogram(rng, rs.objects[t]);
      for (let i = have; i < k; i++) wanted.push({ type: t, required: false });
    }
  } else {
    const means = otypes.map((t) => histogramMean(rs.objects[t]));
    for (let i = 0; i < knobs.distractors; i++) wanted.push({ type: otypes[sampleWeighted(rng, means)], required: false });
  }

  // 3. Placement, weighted by how often the type lies in each receptacle type in this room type.
  const byType = new Map<string, SceneReceptacle[]>();
  for (const r of receptacles) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const objects: SceneObject[] = [];
  for (const w of wanted) {
    const props = OBJECT_PROPS.filter((p) => rng.next() < (stats.objectProps[w.type]?.[p] ?? 0) || w.force?.includes(p));
    const pickupable = props.includes('pickupable');
    const fits = (r: SceneReceptacle): boolean =>
      (!pickupable || (stats.canContain[r.type] ?? []).includes(w.type))
      && !(needs.avoid && w.type === needs.avoid.object && r.type === needs.avoid.receptacle);
    const seen = rs.placements[w.type] ?? {};
    const options: (SceneReceptacle | typeof FLOOR)[] = [];
    const weights: number[] = [];
    for (const [where, n] of Object.entries(seen)) {
      if (where === FLOOR) {
        if (!w.required && !pickupable) { options.push(FLOOR); weights.push(n); }
        continue;
      }
      const rs2 = (byType.get(where) ?? []).filter(fits);
      for (const r of rs2) { options.push(r); weights.push(n / rs2.length); }
    }
    // None of the usual places is in this scene: any receptacle that can hold it will do (as for a fixture, skip it).
    if (!options.length && (pickupable || w.required)) for (const r of receptacles.filter(fits)) { options.push(r); weights.push(1); }
    if (!options.length) {
      if (w.required) throw new EpoError('INTERNAL', `no receptacle in this ${room} can hold a ${w.type}`);
      continue;
    }
    const at = options[sampleWeighted(rng, weights)];
    const id = thingId(rng, w.type, taken);
    objects.push(at === FLOOR ? { id, type: w.type, loc: locationId(rng, locs), props } : { id, type: w.type, loc: at.loc, in: at.id, props });
  }

  const agentLoc = locationId(rng, locs);
  const names = displayNames([...receptacles.map((r) => r.id), ...objects.map((o) => o.id)]);
  return { room, scene: ROOM_BASE[room] + 31 + rng.int(69), agentLoc, receptacles, objects, names };
}
