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
/** Slot type of an existential variable the query does not mention: never enumerated. */
export const UNCONSTRAINED = -2;

function bound(arg: number, isBound: boolean[]): boolean {
  return arg < 0 || isBound[arg];
}

function estimate(l: Lit, isBound: boolean[], store: FactStore): number {
  const size = store.pos[l.pred]?.size ?? 0;
  if (l.args.length !== 2) return size;
  const b0 = bound(l.args[0], isBound), b1 = bound(l.args[1], isBound);
  if (b0 && !b1) return size / Math.max(1, store.fwd[l.pred].size);
  if (b1 && !b0) return size / Math.max(1, store.rev[l.pred].size);
  return size;
}

/** Checks as soon as their slots are bound; otherwise the positive literal with the fewest expected matches. */
function makePlan(q: Conj, mask: number, store: FactStore): Step[] {
  const isBound = q.types.map((_, i) => (mask & (1 << i)) !== 0);
  const left = q.lits.slice();
  const steps: Step[] = [];
  while (left.length) {
    let best = -1, bestCost = Infinity;
    for (let i = 0; i < left.length; i++) {
      const l = left[i];
      const all = l.args.every((a) => bound(a, isBound));
      let cost: number;
      if (all) cost = -1;
      else if (l.kind === LitKind.Pos) cost = estimate(l, isBound, store);
      else continue;
      if (cost < bestCost) { best = i; bestCost = cost; }
    }
    if (best < 0) {
      // Only negative/equality literals with free slots remain: enumerate the first free slot by type.
      const slot = left[0].args.find((a) => a >= 0 && !isBound[a])!;
      steps.push({ t: 'type', slot });
      isBound[slot] = true;
      continue;
    }
    const l = left.splice(best, 1)[0];
    if (bestCost < 0) steps.push({ t: 'check', lit: l });
    else {
      const binds = [...new Set(l.args.filter((a) => a >= 0 && !isBound[a]))];
      steps.push({ t: 'scan', lit: l, binds });
      for (const b of binds) isBound[b] = true;
    }
  }
  for (let s = 0; s < q.types.length; s++) if (!isBound[s] && q.types[s] !== UNCONSTRAINED) steps.push({ t: 'type', slot: s });
  return steps;
}

/** Backtracking search over one query; a single instance is reused for every call (no closures per call). */
class Solver {
  q!: Conj;
  store!: FactStore;
  world!: World;
  b!: Int32Array;
  plan!: Step[];
  emit!: (b: Int32Array) => boolean | void;
  forbid: readonly number[] | undefined;
  args: number[] = [];

  val(a: number): number { return a < 0 ? -a - 1 : this.b[a]; }

  used(o: number, except: number): boolean {
    const n = this.q.types.length, b = this.b;
    for (let i = 0; i < n; i++) if (i !== except && b[i] === o) return true;
    const f = this.forbid;
    if (f) for (let i = 0; i < f.length; i++) if (f[i] === o) return true;
    return false;
  }

  tryBind(slot: number, o: number): boolean {
    const cur = this.b[slot];
    if (cur !== UNBOUND) return cur === o;
    const t = this.q.types[slot];
    if (t >= 0 && this.world.typeOf[o] !== t) return false;
    if (this.q.injective && this.used(o, slot)) return false;
    this.b[slot] = o;
    return true;
  }

  reset(binds: number[]): void { for (let i = 0; i < binds.length; i++) this.b[binds[i]] = UNBOUND; }

  check(l: Lit): boolean {
    if (l.kind === LitKind.Eq) return this.val(l.args[0]) === this.val(l.args[1]);
    if (l.kind === LitKind.Neq) return this.val(l.args[0]) !== this.val(l.args[1]);
    let k = 0;
    const n = this.world.n;
    for (let i = 0; i < l.args.length; i++) k = k * n + this.val(l.args[i]);
    if (l.kind === LitKind.Pos) return this.store.pos[l.pred].has(k);
    if (l.kind === LitKind.Neg) return !this.store.pos[l.pred].has(k);
    return this.store.neg[l.pred].has(k);
  }

  step(d: number): boolean {
    const plan = this.plan;
    if (d === plan.length) return this.emit(this.b) === true;
    const s = plan[d];
    if (s.t === 'check') return this.check(s.lit) ? this.step(d + 1) : false;
    if (s.t === 'type') {
      const t = this.q.types[s.slot];
      const pool = t >= 0 ? this.world.byType[t] : [...this.world.ids.keys()];
      for (let i = 0; i < pool.length; i++) {
        const o = pool[i];
        if (this.q.injective && this.used(o, s.slot)) continue;
        this.b[s.slot] = o;
        if (this.step(d + 1)) return true;
      }
      this.b[s.slot] = UNBOUND;
      return false;
    }
    const l = s.lit;
    const ar = l.args.length;
    if (ar === 2) {
      const a0 = l.args[0], a1 = l.args[1];
      const b0 = a0 < 0 || this.b[a0] !== UNBOUND;
      const b1 = a1 < 0 || this.b[a1] !== UNBOUND;
      if (b0 !== b1) {
        const set = b0 ? this.store.fwd[l.pred].get(this.val(a0)) : this.store.rev[l.pred].get(this.val(a1));
        if (!set) return false;
        const free = b0 ? a1 : a0;
        for (const o of set) {
          if (this.tryBind(free, o) && this.step(d + 1)) return true;
          this.reset(s.binds);
        }
        return false;
      }
    }
    const args = this.args;
    for (const k of this.store.pos[l.pred]) {
      this.world.decode(k, ar, args);
      let ok = true;
      for (let i = 0; i < ar && ok; i++) {
        const a = l.args[i];
        ok = a < 0 ? args[i] === -a - 1 : this.tryBind(a, args[i]);
      }
      if (ok && this.step(d + 1)) return true;
      this.reset(s.binds);
    }
    return false;
  }
}

const solvers: Solver[] = [];
let depth = 0;

/**
 * Enumerate the solutions of `q` extending `binding` (slots set to -1 are free). `emit` receives the binding array
 * (reused: copy what you keep) and returns true to stop early. Returns true if stopped early. With `forbid`, new
 * bindings of an injective query also avoid those objects.
 */
export function solve(q: Conj, store: FactStore, binding: Int32Array, emit: (b: Int32Array) => boolean | void, forbid?: readonly number[]): boolean {
  let mask = 0;
  for (let i = 0; i < q.types.length; i++) if (binding[i] !== UNBOUND) mask |= 1 << i;
  if (!q.plans) q.plans = new Map();
  let plan = q.plans.get(mask);
  if (!plan) q.plans.set(mask, (plan = makePlan(q, mask, store)));
  // Callers may solve again from inside `emit`: keep one solver per nesting depth.
  const s = solvers[depth] ?? (solvers[depth] = new Solver());
  s.q = q; s.store = store; s.world = store.world; s.b = binding; s.plan = plan; s.emit = emit; s.forbid = forbid;
  depth++;
  try { return s.step(0); } finally { depth--; }
}

/** Whether the query has at least one solution extending `binding`. */
export function satisfiable(q: Conj, store: FactStore, binding: Int32Array, forbid?: readonly number[]): boolean {
  // The solver restores every slot it binds while backtracking, except on the early stop: undo those.
  const n = q.types.length;
  let free = 0;
  for (let i = 0; i < n; i++) if (binding[i] === UNBOUND) free |= 1 << i;
  const found = solve(q, store, binding, stopAtFirst, forbid);
  for (let i = 0; i < n; i++) if (free & (1 << i)) binding[i] = UNBOUND;
  return found;
}

const stopAtFirst = () => true;

export const constArg = (o: number) => -o - 1;

/** For tests and errors: a readable form of a literal. */
export function showLit(l: Lit, world: World): string {
  const a = l.args.map((x) => (x < 0 ? world.ids[-x - 1] : `?${x}`));
  const name = l.kind === LitKind.Eq ? '=' : l.kind === LitKind.Neq ? '!=' : world.predNames[l.pred];
  return `${l.kind === LitKind.Neg ? 'not ' : l.kind === LitKind.TwNeg ? 'not_' : ''}${name}(${a.join(', ')})`;
}
