/**
 * The static universe of one game (objects, their types and display names, predicates) and the mutable fact store.
 *
 * Objects are numbered in sorted order of their (lower-cased) ids, so numeric order equals the id order in which the
 * original environment lists things ("a cabinet 6, a cabinet 5, …"). Facts are encoded as numbers (arguments in base
 * N) in one Set per predicate, with per-argument indexes for arity-2 predicates, so queries never scan the state.
 *
 * Besides the true facts, the store keeps the original's negative facts (`not_p(…)`): TextWorld adds one whenever an
 * action deletes `p(…)` and drops it when `p(…)` is added again. Grammar conditions such as
 * `not_inreceptacle(o, r)` read those, which is why "Next to it, you see …" lists only objects that were moved away.
 */
import { EpoError } from '../../core/errors.js';

export interface Entity {
  id: string;
  type: string;
  /** Display name after renaming, e.g. "cabinet 1" (or "agent1 " for unnumbered ids, as the original renders it). */
  name: string;
  indefinite: string;
  definite: string;
}

export class World {
  readonly ids: string[];
  readonly index = new Map<string, number>();
  readonly typeOf: Int32Array;
  /** Position of each object among the objects of its type. */
  readonly rank: Int32Array;
  readonly typeNames: string[] = [];
  readonly typeIndex = new Map<string, number>();
  /** Objects of each type, in id order. */
  readonly byType: number[][] = [];
  readonly predIndex = new Map<string, number>();
  readonly predNames: string[] = [];
  readonly arity: number[] = [];
  entities: Entity[] = [];
  readonly n: number;

  constructor(objects: Map<string, string>, predicates: Map<string, string[]>) {
    this.ids = [...objects.keys()].sort();
    this.n = Math.max(1, this.ids.length);
    this.typeOf = new Int32Array(this.ids.length);
    this.rank = new Int32Array(this.ids.length);
    this.ids.forEach((id, i) => {
      this.index.set(id, i);
      const t = this.typeId(objects.get(id)!);
      this.typeOf[i] = t;
      this.rank[i] = this.byType[t].length;
      this.byType[t].push(i);
    });
    for (const [p, types] of predicates) this.addPredicate(p, types.length);
  }

  typeId(name: string): number {
    let t = this.typeIndex.get(name);
    if (t === undefined) {
      t = this.typeNames.length;
      this.typeNames.push(name);
      this.typeIndex.set(name, t);
      this.byType.push([]);
    }
    return t;
  }

  addPredicate(name: string, arity: number): number {
    const known = this.predIndex.get(name);
    if (known !== undefined) return known;
    const p = this.predNames.length;
    this.predNames.push(name);
    this.predIndex.set(name, p);
    this.arity.push(arity);
    return p;
  }

  object(name: string, where: string): number {
    const o = this.index.get(name);
    if (o === undefined) throw new EpoError('BAD_DATA', `unknown object "${name}"`, { where });
    return o;
  }

  key(args: ArrayLike<number>): number {
    let k = 0;
    for (let i = 0; i < args.length; i++) k = k * this.n + args[i];
    return k;
  }

  decode(key: number, arity: number, out: number[] = []): number[] {
    for (let i = arity - 1; i >= 0; i--) {
      out[i] = key % this.n;
      key = (key - out[i]) / this.n;
    }
    return out;
  }
}

/** True facts with indexes, plus the original's negative facts. Cheap to copy for resets. */
export class FactStore {
  readonly pos: Set<number>[];
  readonly neg: Set<number>[];
  /** For arity-2 predicates: first argument -> set of second arguments, and the reverse. */
  readonly fwd: Map<number, Set<number>>[];
  readonly rev: Map<number, Set<number>>[];

  constructor(readonly world: World) {
    const p = world.predNames.length;
    this.pos = Array.from({ length: p }, () => new Set<number>());
    this.neg = Array.from({ length: p }, () => new Set<number>());
    this.fwd = Array.from({ length: p }, () => new Map());
    this.rev = Array.from({ length: p }, () => new Map());
    this.ph1 = new Int32Array(p);
    this.ph2 = new Int32Array(p);
  }

  has(pred: number, key: number): boolean {
    return this.pos[pred].has(key);
  }

  /** Order-independent 2x32-bit hash of the true facts, kept up to date on every change (for per-state caches). */
  h1 = 0;
  h2 = 0;
  /** The same hash restricted to each predicate's facts. */
  readonly ph1: Int32Array;
  readonly ph2: Int32Array;

  /** The same for the negative facts (what the grammar's `not_p` reads). */
  nh1 = 0;
  nh2 = 0;

  private mixNeg(pred: number, key: number): void {
    const lo = key % 4294967296, hi = (key - lo) / 4294967296;
    let a = Math.imul(lo ^ 0x3c6ef372, 0xcc9e2d51) ^ Math.imul(hi + pred * 0x1b873593, 0xe6546b64);
    a ^= a >>> 16; a = Math.imul(a, 0x85ebca6b); a ^= a >>> 13;
    let b = Math.imul(hi ^ 0xa54ff53a, 0x2545f491) ^ Math.imul(lo + pred * 0x4f6cdd1d, 0x68e31da4);
    b ^= b >>> 15; b = Math.imul(b, 0x5bd1e995); b ^= b >>> 13;
    this.nh1 ^= a;
    this.nh2 ^= b;
  }

  private negAdd(pred: number, key: number): void {
    const s = this.neg[pred];
    if (!s.has(key)) { s.add(key); this.mixNeg(pred, key); }
  }

  private negDelete(pred: number, key: number): boolean {
    if (!this.neg[pred].delete(key)) return false;
    this.mixNeg(pred, key);
    return true;
  }

  private mix(pred: number, key: number): void {
    const lo = key % 4294967296, hi = (key - lo) / 4294967296;
    let a = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi + pred * 0x27d4eb2d, 0xc2b2ae35);
    a ^= a >>> 15; a = Math.imul(a, 0x2c1b3c6d); a ^= a >>> 12;
    let b = Math.imul(hi ^ 0x7f4a7c15, 0x165667b1) ^ Math.imul(lo + pred * 0x61c88647, 0x94d049bb);
    b ^= b >>> 13; b = Math.imul(b, 0x5bd1e995); b ^= b >>> 15;
    this.h1 ^= a;
    this.h2 ^= b;
    this.ph1[pred] ^= a;
    this.ph2[pred] ^= b;
  }

  /** Changes since the last `rollback` point, as (pred, key, wasTrue, wasNegative) quadruples. */
  private journal: number[] = [];

  add(pred: number, key: number): void {
    const wasNeg = this.negDelete(pred, key);
    const isNew = !this.pos[pred].has(key);
    if (isNew) this.insert(pred, key);
    if (wasNeg || isNew) this.journal.push(pred, key, isNew ? 0 : 1, wasNeg ? 1 : 0);
  }

  remove(pred: number, key: number): void {
    const wasNeg = this.neg[pred].has(key);
    const wasPos = this.pos[pred].has(key);
    if (!wasNeg) this.negAdd(pred, key);
    if (wasPos) this.erase(pred, key);
    if (wasPos || !wasNeg) this.journal.push(pred, key, wasPos ? 1 : 0, wasNeg ? 1 : 0);
  }

  /** Make the current facts the state `rollback` returns to. */
  markInitial(): void {
    this.journal.length = 0;
  }

  /** Undo every change since the store was copied, marked or last rolled back (cheap resets). */
  rollback(): void {
    const j = this.journal;
    for (let i = j.length - 4; i >= 0; i -= 4) {
      const pred = j[i], key = j[i + 1];
      if (j[i + 2]) { if (!this.pos[pred].has(key)) this.insert(pred, key); } else if (this.pos[pred].has(key)) this.erase(pred, key);
      if (j[i + 3]) this.negAdd(pred, key); else this.negDelete(pred, key);
    }
    j.length = 0;
  }

  private insert(pred: number, key: number): void {
    this.pos[pred].add(key);
    this.mix(pred, key);
    if (this.world.arity[pred] === 2) {
      const n = this.world.n;
      const b = key % n, a = (key - b) / n;
      let s = this.fwd[pred].get(a);
      if (!s) this.fwd[pred].set(a, (s = new Set()));
      s.add(b);
      let r = this.rev[pred].get(b);
      if (!r) this.rev[pred].set(b, (r = new Set()));
      r.add(a);
    }
  }

  private erase(pred: number, key: number): void {
    this.pos[pred].delete(key);
    this.mix(pred, key);
    if (this.world.arity[pred] === 2) {
      const n = this.world.n;
      const b = key % n, a = (key - b) / n;
      this.fwd[pred].get(a)?.delete(b);
      this.rev[pred].get(b)?.delete(a);
    }
  }

  copyFrom(other: FactStore): void {
    this.journal.length = 0;
    this.h1 = other.h1;
    this.h2 = other.h2;
    this.nh1 = other.nh1;
    this.nh2 = other.nh2;
    this.ph1.set(other.ph1);
    this.ph2.set(other.ph2);
    for (let p = 0; p < this.pos.length; p++) {
      this.pos[p] = new Set(other.pos[p]);
      this.neg[p] = new Set(other.neg[p]);
      const f = new Map<number, Set<number>>();
      for (const [k, v] of other.fwd[p]) f.set(k, new Set(v));
      this.fwd[p] = f;
      const r = new Map<number, Set<number>>();
      for (const [k, v] of other.rev[p]) r.set(k, new Set(v));
      this.rev[p] = r;
    }
  }
}
