/**
 * Measures the household statistics (see stats.ts) from official ALFWorld game files. Reads only facts of the
 * PDDL problems and the folder names (task type, object, target, scene number); keeps numbers and type names.
 */
import { EpoError } from '../../../core/errors.js';
import {
  FLOOR, OBJECT_PROPS, ROOM_TYPES, TASK_TYPES,
  type AlfworldStats, type GoalStats, type ObjectProp, type RoomStats, type RoomType, type TaskType,
} from './stats.js';

export interface OfficialGame {
  /** Path relative to the data root: `<split>/<task>-<Obj>-<Mrecep>-<Recep>-<scene>/<trial>/game.tw-pddl`. */
  path: string;
  problem: string;
}

/** AI2-THOR floor plans: 1-30 kitchens, 201-230 living rooms, 301-330 bedrooms, 401-430 bathrooms. */
export function roomOfScene(scene: number): RoomType {
  const room = ({ 0: 'kitchen', 2: 'livingroom', 3: 'bedroom', 4: 'bathroom' } as Record<number, RoomType>)[Math.floor(scene / 100)];
  if (!room) throw new EpoError('BAD_DATA', `scene number ${scene} belongs to no known room type`);
  return room;
}

const stripType = (t: string): string => t.replace(/Type$/, '');

function bump(h: number[], k: number): void {
  while (h.length <= k) h.push(0);
  h[k]++;
}

export function measureStats(games: OfficialGame[], source: string): AlfworldStats {
  const rooms = Object.fromEntries(ROOM_TYPES.map((r) => [r, { games: 0, receptacles: {}, objects: {}, placements: {}, sharedLocations: {} } as RoomStats])) as Record<RoomType, RoomStats>;
  const propCount: Record<string, Record<string, number>> = {};
  const objInstances: Record<string, number> = {};
  const recep: Record<string, { instances: number; openable: number; opened: number }> = {};
  const canContain: Record<string, Set<string>> = {};
  const goals = new Map<string, GoalStats & { task: TaskType }>();
  const perGame: { room: RoomType; r: Record<string, number>; o: Record<string, number>; shared: Record<string, number> }[] = [];

  for (const g of games) {
    const folder = g.path.split('/').at(-3) ?? '';
    const [task, object, , target, sceneText] = folder.split('-');
    const scene = Number(sceneText);
    if (!TASK_TYPES.includes(task as TaskType) || !Number.isInteger(scene)) {
      throw new EpoError('BAD_DATA', `folder name is not <task>-<Obj>-<Mrecep>-<Recep>-<scene>: ${folder}`, { where: g.path });
    }
    const room = roomOfScene(scene);
    const rs = rooms[room];
    rs.games++;
    const facts = (name: string, arity: number): string[][] => {
      const re = new RegExp(`\\(${name}${' (\\S+)'.repeat(arity)}\\)`, 'g');
      return [...g.problem.matchAll(re)].map((m) => m.slice(1));
    };
    // Goals mention variables (?r, ?o) in the same predicates; real ids all contain _bar_.
    const rtypeOf = new Map(facts('receptacleType', 2).filter(([r]) => r.includes('_bar_')).map(([r, t]) => [r, stripType(t)]));
    const otypeOf = new Map(facts('objectType', 2).filter(([o]) => o.includes('_bar_')).map(([o, t]) => [o, stripType(t)]));
    const openable = new Set(facts('openable', 1).map(([r]) => r));
    const opened = new Set(facts('opened', 1).map(([r]) => r));
    const container = new Map<string, string>();
    for (const [o, r] of facts('inReceptacle', 2)) if (!container.has(o)) container.set(o, r);

    const rCount: Record<string, number> = {};
    for (const [r, t] of rtypeOf) {
      rCount[t] = (rCount[t] ?? 0) + 1;
      const p = (recep[t] ??= { instances: 0, openable: 0, opened: 0 });
      p.instances++;
      if (openable.has(r)) p.openable++;
      if (opened.has(r)) p.opened++;
    }
    const oCount: Record<string, number> = {};
    for (const [o, t] of otypeOf) {
      oCount[t] = (oCount[t] ?? 0) + 1;
      objInstances[t] = (objInstances[t] ?? 0) + 1;
      const at = container.has(o) ? rtypeOf.get(container.get(o)!) ?? FLOOR : FLOOR;
      const pl = (rs.placements[t] ??= {});
      pl[at] = (pl[at] ?? 0) + 1;
    }
    for (const prop of OBJECT_PROPS) {
      for (const [o] of facts(prop, 1)) {
        const t = otypeOf.get(o);
        if (!t) continue;
        const pc = (propCount[t] ??= {});
        pc[prop] = (pc[prop] ?? 0) + 1;
      }
    }
    for (const [rt, ot] of facts('canContain', 2)) (canContain[stripType(rt)] ??= new Set()).add(stripType(ot));
    const atLoc = new Map<string, string[]>();
    for (const [r, l] of facts('receptacleAtLocation', 2)) if (rtypeOf.has(r)) atLoc.set(l, [...(atLoc.get(l) ?? []), rtypeOf.get(r)!]);
    const shared: Record<string, number> = {};
    for (const types of atLoc.values()) {
      if (types.length < 2) continue;
      const sig = types.sort().join('+');
      shared[sig] = (shared[sig] ?? 0) + 1;
    }
    perGame.push({ room, r: rCount, o: oCount, shared });

    const key = `${task}|${room}|${object}|${target}`;
    const goal = goals.get(key) ?? { task: task as TaskType, room, object, target, games: 0 };
    goal.games++;
    goals.set(key, goal);
  }

  // Histograms include the zeros: a type absent from a game counts at k = 0 for that room type.
  for (const room of ROOM_TYPES) {
    const rs = rooms[room];
    const mine = perGame.filter((p) => p.room === room);
    const rtypes = [...new Set(mine.flatMap((p) => Object.keys(p.r)))].sort();
    const otypes = [...new Set(mine.flatMap((p) => Object.keys(p.o)))].sort();
    for (const t of rtypes) { const h: number[] = []; for (const p of mine) bump(h, p.r[t] ?? 0); rs.receptacles[t] = h; }
    for (const t of otypes) { const h: number[] = []; for (const p of mine) bump(h, p.o[t] ?? 0); rs.objects[t] = h; }
    for (const sig of [...new Set(mine.flatMap((p) => Object.keys(p.shared)))].sort()) {
      const h: number[] = [];
      for (const p of mine) bump(h, p.shared[sig] ?? 0);
      rs.sharedLocations[sig] = h;
    }
    rs.placements = sortKeys(Object.fromEntries(Object.entries(rs.placements).map(([k, v]) => [k, sortKeys(v)])));
  }
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  const objectProps = sortKeys(Object.fromEntries(Object.keys(objInstances).map((t) => [t, Object.fromEntries(
    OBJECT_PROPS.filter((p) => propCount[t]?.[p]).map((p) => [p, round(propCount[t][p] / objInstances[t])]),
  ) as Partial<Record<ObjectProp, number>>])));
  const receptacleProps = sortKeys(Object.fromEntries(Object.entries(recep).map(([t, p]) => [t, {
    instances: p.instances, openable: round(p.openable / p.instances), closedAtStart: p.openable ? round(1 - p.opened / p.openable) : 1,
  }])));
  const tasks = Object.fromEntries(TASK_TYPES.map((t) => [t, [...goals.values()].filter((g) => g.task === t)
    .map(({ room, object, target, games: n }) => ({ room, object, target, games: n }))
    .sort((a, b) => `${a.room}|${a.object}|${a.target}`.localeCompare(`${b.room}|${b.object}|${b.target}`))])) as Record<TaskType, GoalStats[]>;
  return {
    source, games: games.length, rooms, objectProps, receptacleProps,
    canContain: sortKeys(Object.fromEntries(Object.entries(canContain).map(([r, s]) => [r, [...s].sort()]))),
    tasks,
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
