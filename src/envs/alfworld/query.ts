/**
 * Conjunctive queries over the fact store, used for action preconditions, the goal, and the grammar's conditions.
 *
 * A query is a list of literals over variable slots. Solving binds slots by backtracking, taking at each depth the
 * literal that can be checked or enumerated most cheaply from the indexes; slots that no positive literal binds are
 * enumerated over the objects of their type. Plans are cached per set of initially bound slots.
 */
import type { FactStore, World } from './world.js';

export const enum LitKind { Pos, Neg, TwNeg, Eq, Neq }

/** An argument: a slot index (>= 0) or a constant object encoded as -(object + 1). */
export interface Lit { kind: LitKind; pred: number; args: number[] }

export interface Conj {
  /** Number of slots and the type of each (-1: any type). */
  types: number[];
  lits: Lit[];
  /** Distinct slots must take distinct objects (the grammar's matcher), unlike PDDL. */
  injective: boolean;
  plans?: Map<number, Step[]>;
}

type Step =
  | { t: 'check'; lit: Lit }
  | { t: 'scan'; lit: Lit; binds: number[] }
  | { t: 'type'; slot: number };

const UNBOUND = -1;

function bound(arg: number, isBound: boolean[]): boolean {
  return arg < 0 || isBound[arg];
}

function makePlan(q: Conj, mask: number): Step[] {
  const isBound = q.types.map((_, i) => (mask & (1 << i)) !== 0);
  const left = q.lits.slice();
  const steps: Step[] = [];
  while (left.length) {
    let best = -1, bestScore = -1;
    for (let i = 0; i < left.length; i++) {
      const l = left[i];
      const nb = l.args.filter((a) => bound(a, isBound)).length;
      const all = nb === l.args.length;
      let score: number;
      if (all) score = 100;
      else if (l.kind === LitKind.Pos) score = 10 + nb;
      else continue;
      if (score > bestScore) { best = i; bestScore = score; }
    }
    if (best < 0) {
      // Only negative/equality literals with free slots remain: enumerate the first free slot by type.
      const slot = left[0].args.find((a) => a >= 0 && !isBound[a])!;
      steps.push({ t: 'type', slot });
      isBound[slot] = true;
      continue;
    }
    const l = left.splice(best, 1)[0];
    if (bestScore === 100) steps.push({ t: 'check', lit: l });
    else {
      const binds = [...new Set(l.args.filter((a) => a >= 0 && !isBound[a]))];
      steps.push({ t: 'scan', lit: l, binds });
      for (const b of binds) isBound[b] = true;
    }
  }
  for (let s = 0; s < q.types.length; s++) if (!isBound[s]) steps.push({ t: 'type', slot: s });
  return steps;
}

/**
 * Enumerate the solutions of `q` extending `binding` (slots set to -1 are free). `emit` receives the binding array
 * (reused: copy what you keep) and returns true to stop early. Returns true if stopped early.
 */
export function solve(q: Conj, store: FactStore, binding: Int32Array, emit: (b: Int32Array) => boolean | void, forbid?: readonly number[]): boolean {
  let mask = 0;
  for (let i = 0; i < q.types.length; i++) if (binding[i] !== UNBOUND) mask |= 1 << i;
  if (!q.plans) q.plans = new Map();
  let plan = q.plans.get(mask);
  if (!plan) q.plans.set(mask, (plan = makePlan(q, mask)));
  const world = store.world;
  const val = (a: number) => (a < 0 ? -a - 1 : binding[a]);
  const used = (o: number, except: number) => {
    for (let i = 0; i < q.types.length; i++) if (i !== except && binding[i] === o) return true;
    if (forbid) for (let i = 0; i < forbid.length; i++) if (forbid[i] === o) return true;
    return false;
  };
  const tryBind = (slot: number, o: number): boolean => {
    const cur = binding[slot];
    if (cur !== UNBOUND) return cur === o;
    const t = q.types[slot];
    if (t >= 0 && world.typeOf[o] !== t) return false;
    if (q.injective && used(o, slot)) return false;
    binding[slot] = o;
    return true;
  };
  const args: number[] = [];
  const step = (d: number): boolean => {
    if (d === plan!.length) return emit(binding) === true;
    const s = plan![d];
    if (s.t === 'check') {
      const l = s.lit;
      let ok: boolean;
      if (l.kind === LitKind.Eq) ok = val(l.args[0]) === val(l.args[1]);
      else if (l.kind === LitKind.Neq) ok = val(l.args[0]) !== val(l.args[1]);
      else {
        let k = 0;
        for (const a of l.args) k = k * world.n + val(a);
        ok = l.kind === LitKind.Pos ? store.pos[l.pred].has(k) : l.kind === LitKind.Neg ? !store.pos[l.pred].has(k) : store.neg[l.pred].has(k);
      }
      return ok ? step(d + 1) : false;
    }
    if (s.t === 'type') {
      const t = q.types[s.slot];
      const pool = t >= 0 ? world.byType[t] : [...world.ids.keys()];
      for (const o of pool) {
        if (q.injective && used(o, s.slot)) continue;
        binding[s.slot] = o;
        if (step(d + 1)) return true;
      }
      binding[s.slot] = UNBOUND;
      return false;
    }
    // scan: enumerate facts of a positive literal consistent with the bound arguments.
    const l = s.lit;
    const ar = l.args.length;
    const reset = () => { for (const b of s.binds) binding[b] = UNBOUND; };
    if (ar === 2) {
      const a0 = l.args[0], a1 = l.args[1];
      const b0 = a0 < 0 || binding[a0] !== UNBOUND;
      const b1 = a1 < 0 || binding[a1] !== UNBOUND;
      if (b0 && !b1) {
        const set = store.fwd[l.pred].get(val(a0));
        if (set) for (const o of set) {
          if (tryBind(a1, o)) { if (step(d + 1)) return true; }
          reset();
        }
        return false;
      }
      if (b1 && !b0) {
        const set = store.rev[l.pred].get(val(a1));
        if (set) for (const o of set) {
          if (tryBind(a0, o)) { if (step(d + 1)) return true; }
          reset();
        }
        return false;
      }
    }
    for (const k of store.pos[l.pred]) {
      world.decode(k, ar, args);
      let ok = true;
      for (let i = 0; i < ar && ok; i++) {
        const a = l.args[i];
        if (a < 0) ok = args[i] === -a - 1;
        else ok = tryBind(a, args[i]);
      }
      if (ok && step(d + 1)) return true;
      reset();
    }
    return false;
  };
  return step(0);
}

/** Whether the query has at least one solution extending `binding`. */
export function satisfiable(q: Conj, store: FactStore, binding: Int32Array, forbid?: readonly number[]): boolean {
  const saved = binding.slice();
  const found = solve(q, store, binding, () => true, forbid);
  binding.set(saved);
  return found;
}

export const constArg = (o: number) => -o - 1;

/** For tests and errors: a readable form of a literal. */
export function showLit(l: Lit, world: World): string {
  const a = l.args.map((x) => (x < 0 ? world.ids[-x - 1] : `?${x}`));
  const name = l.kind === LitKind.Eq ? '=' : l.kind === LitKind.Neq ? '!=' : world.predNames[l.pred];
  return `${l.kind === LitKind.Neg ? 'not ' : l.kind === LitKind.TwNeg ? 'not_' : ''}${name}(${a.join(', ')})`;
}
