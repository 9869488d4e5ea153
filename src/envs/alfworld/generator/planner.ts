/**
 * The expert: a breadth-first search over the high-level actions (go to, open, take, put, clean/heat/cool, use) on a
 * compact state that tracks only what the goal depends on (the candidate objects, the agent's place and hands, the
 * receptacles that matter and whether they are open, the candidates' clean/hot/cool flags, the lamps). Every
 * command costs one step, so the first plan found is a shortest one.
 */
import { EpoError } from '../../../core/errors.js';
import type { Scene, SceneReceptacle } from './scene.js';
import { TOOL, type TaskSpec } from './tasks.js';

export type Step =
  | { kind: 'goto'; r: string }
  | { kind: 'open'; r: string }
  | { kind: 'take'; o: string; r: string }
  | { kind: 'put'; o: string; r: string }
  | { kind: 'clean' | 'heat' | 'cool'; o: string; r: string }
  | { kind: 'use'; o: string };

interface State { at: number; held: number; pos: number[]; open: number; done: number; lit: number }

const HELD = -2;
const START = -1;

export function plan(scene: Scene, task: TaskSpec, canContain: (rtype: string, otype: string) => boolean): Step[] {
  const look = task.type === 'look_at_obj_in_light';
  const tool = TOOL[task.type];
  const cands = scene.objects.filter((o) => o.type === task.object && o.in && o.props.includes('pickupable')
    && (!tool || o.props.includes(tool.prop)));
  const lamps = look ? scene.objects.filter((o) => o.type === task.target && o.in && o.props.includes('toggleable')) : [];
  const keep = new Set<string>([...cands, ...lamps].map((o) => o.in!));
  // Instances of one type are interchangeable when empty of candidates (every move costs one step), so the search
  // keeps the first open one and the first closed one by display name, plus any that share a place with a kept
  // receptacle (one `go to` reaches both): the plan stays shortest, the space small.
  const byName = [...scene.receptacles].sort((a, b) => cmpNames(scene.names.get(a.id)!, scene.names.get(b.id)!));
  const useful = (r: SceneReceptacle): boolean => (!look && r.type === task.target) || r.type === tool?.receptacle;
  for (const type of [look ? undefined : task.target, tool?.receptacle]) {
    if (!type) continue;
    const of = byName.filter((r) => r.type === type);
    for (const wantOpen of [true, false]) {
      const r = of.find((x) => (!x.openable || x.opened) === wantOpen);
      if (r) keep.add(r.id);
    }
  }
  const keptLocs = new Set(scene.receptacles.filter((r) => keep.has(r.id)).map((r) => r.loc));
  for (const r of byName) if (useful(r) && keptLocs.has(r.loc)) keep.add(r.id);
  const recs: SceneReceptacle[] = byName.filter((r) => keep.has(r.id));
  if (recs.length > 30) throw new EpoError('INTERNAL', 'planner: too many relevant receptacles');
  const ri = new Map(recs.map((r, i) => [r.id, i]));
  const places = [...new Set(recs.map((r) => r.loc))];
  const placeOf = recs.map((r) => places.indexOf(r.loc));
  const need = task.type === 'pick_two_obj_and_place' ? 2 : 1;
  const isTarget = recs.map((r) => !look && r.type === task.target && canContain(r.type, task.object));
  const lampAt = lamps.map((l) => ri.get(l.in!)!);

  const start: State = {
    at: START, held: -1, pos: cands.map((c) => ri.get(c.in!)!),
    open: recs.reduce((m, r, i) => (r.opened ? m | (1 << i) : m), 0), done: 0, lit: 0,
  };
  const key = (s: State): string => `${s.at},${s.held},${s.pos.join('.')},${s.open},${s.done},${s.lit}`;
  const won = (s: State): boolean => {
    if (look) return s.held >= 0 && lampAt.some((r, i) => (s.lit >> i) & 1 && placeOf[r] === s.at);
    for (let r = 0; r < recs.length; r++) {
      if (!isTarget[r]) continue;
      let n = 0;
      s.pos.forEach((p, c) => { if (p === r && (!tool || (s.done >> c) & 1)) n++; });
      if (n >= need) return true;
    }
    return false;
  };
  const reachable = (r: number, s: State): boolean => !recs[r].openable || ((s.open >> r) & 1) === 1;

  /** `s.at` is a place (several receptacles may share one): every receptacle there can be used after one `go to`. */
  function* moves(s: State): Generator<[Step, State]> {
    for (let r = 0; r < recs.length; r++) if (placeOf[r] !== s.at) yield [{ kind: 'goto', r: recs[r].id }, { ...s, at: placeOf[r] }];
    if (s.at < 0) return;
    const here = recs.map((_, r) => r).filter((r) => placeOf[r] === s.at);
    for (const r of here) {
      if (recs[r].openable && !((s.open >> r) & 1)) yield [{ kind: 'open', r: recs[r].id }, { ...s, open: s.open | (1 << r) }];
    }
    if (s.held < 0) {
      for (let c = 0; c < cands.length; c++) {
        const r = s.pos[c];
        if (r < 0 || placeOf[r] !== s.at || !reachable(r, s)) continue;
        const pos = s.pos.slice(); pos[c] = HELD;
        yield [{ kind: 'take', o: cands[c].id, r: recs[r].id }, { ...s, held: c, pos }];
      }
    }
    if (s.held >= 0) {
      const c = s.held;
      for (const r of here) {
        if (isTarget[r] && reachable(r, s) && (!tool || (s.done >> c) & 1)) {
          const pos = s.pos.slice(); pos[c] = r;
          yield [{ kind: 'put', o: cands[c].id, r: recs[r].id }, { ...s, held: -1, pos }];
        }
        if (tool && recs[r].type === tool.receptacle && !((s.done >> c) & 1)) {
          yield [{ kind: tool.verb, o: cands[c].id, r: recs[r].id }, { ...s, done: s.done | (1 << c) }];
        }
      }
    }
    for (let i = 0; i < lamps.length; i++) {
      if (placeOf[lampAt[i]] === s.at && !((s.lit >> i) & 1)) yield [{ kind: 'use', o: lamps[i].id }, { ...s, lit: s.lit | (1 << i) }];
    }
  }

  const seen = new Map<string, { prev: string | null; step: Step | null }>([[key(start), { prev: null, step: null }]]);
  let frontier = [start];
  while (frontier.length) {
    const next: State[] = [];
    for (const s of frontier) {
      const k = key(s);
      for (const [step, t] of moves(s)) {
        const tk = key(t);
        if (seen.has(tk)) continue;
        seen.set(tk, { prev: k, step });
        if (won(t)) {
          const steps: Step[] = [];
          for (let cur: string | null = tk; cur !== null;) {
            const e: { prev: string | null; step: Step | null } = seen.get(cur)!;
            if (e.step) steps.push(e.step);
            cur = e.prev;
          }
          return steps.reverse();
        }
        next.push(t);
      }
    }
    frontier = next;
    if (seen.size > 2_000_000) break;
  }
  throw new EpoError('INTERNAL', `planner found no plan for ${task.type} ${task.object} -> ${task.target}`);
}

/** Commands as an agent types them, with display names; `put` is `move X to Y` or `put X in/on Y` by grammar. */
export function walkthrough(steps: Step[], names: Map<string, string>, placing: 'move' | 'put' = 'move'): string[] {
  const n = (id: string): string => names.get(id) ?? id;
  return steps.map((s) => {
    switch (s.kind) {
      case 'goto': return `go to ${n(s.r)}`;
      case 'open': return `open ${n(s.r)}`;
      case 'take': return `take ${n(s.o)} from ${n(s.r)}`;
      case 'put': return placing === 'move' ? `move ${n(s.o)} to ${n(s.r)}` : `put ${n(s.o)} in/on ${n(s.r)}`;
      case 'use': return `use ${n(s.o)}`;
      default: return `${s.kind} ${n(s.o)} with ${n(s.r)}`;
    }
  });
}

/** "cabinet 2" before "cabinet 10". */
function cmpNames(a: string, b: string): number {
  const [ka, na] = a.split(' '), [kb, nb] = b.split(' ');
  return ka !== kb ? (ka < kb ? -1 : 1) : Number(na) - Number(nb);
}
