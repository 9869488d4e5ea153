/**
 * Compiling PDDL formulas into disjunctions of conjunctive queries (negation pushed to atoms, existentials turned
 * into extra slots). Action preconditions and goals are compiled once per game.
 */
import { EpoError } from '../../../core/errors.js';
import { LitKind, UNCONSTRAINED, constArg, type Conj, type Lit } from '../query.js';
import type { World } from '../world.js';
import type { Formula, Term } from './ast.js';

interface Scope { slots: Map<string, number>; types: number[] }

/** A formula over the slots in `params` (name -> slot; types by slot). Returns one query per disjunct. */
export function compileFormula(f: Formula, world: World, params: [string, string][], where: string): Conj[] {
  const scope: Scope = { slots: new Map(), types: [] };
  for (const [name, type] of params) {
    scope.slots.set(name, scope.types.length);
    scope.types.push(world.typeId(type));
  }
  const disjuncts = dnf(f, scope, world, where, false);
  return disjuncts.map((lits) => {
    // Existential slots of other disjuncts are not this disjunct's business: mark them free of any constraint.
    const used = new Set(lits.flatMap((l) => l.args.filter((a) => a >= 0)));
    const types = scope.types.map((t, s) => (s < params.length || used.has(s) ? t : UNCONSTRAINED));
    return { types, lits, injective: false };
  });
}

function arg(t: Term, scope: Scope, world: World, where: string): number {
  if ('v' in t) {
    const s = scope.slots.get(t.v);
    if (s === undefined) throw new EpoError('BAD_DATA', `unbound variable ?${t.v}`, { where });
    return s;
  }
  return constArg(world.object(t.c, where));
}

function dnf(f: Formula, scope: Scope, world: World, where: string, negated: boolean): Lit[][] {
  switch (f.op) {
    case 'true': return negated ? [] : [[]];
    case 'atom': {
      const pred = world.predIndex.get(f.pred);
      if (pred === undefined) {
        // A predicate no fact can ever have: false (or true when negated).
        return negated ? [[]] : [];
      }
      if (world.arity[pred] !== f.args.length) throw new EpoError('BAD_DATA', `predicate "${f.pred}" takes ${world.arity[pred]} arguments, got ${f.args.length}`, { where });
      return [[{ kind: negated ? LitKind.Neg : LitKind.Pos, pred, args: f.args.map((t) => arg(t, scope, world, where)) }]];
    }
    case 'eq':
      return [[{ kind: negated ? LitKind.Neq : LitKind.Eq, pred: -1, args: [arg(f.a, scope, world, where), arg(f.b, scope, world, where)] }]];
    case 'not': return dnf(f.f, scope, world, where, !negated);
    case 'and': case 'or': {
      const conj = (f.op === 'and') !== negated;
      const parts = f.fs.map((g) => dnf(g, scope, world, where, negated));
      if (!conj) return parts.flat();
      let acc: Lit[][] = [[]];
      for (const p of parts) {
        const next: Lit[][] = [];
        for (const a of acc) for (const b of p) next.push([...a, ...b]);
        acc = next;
      }
      return acc;
    }
    case 'exists': {
      if (negated) throw new EpoError('BAD_DATA', 'negated "exists" (a universal condition) is not supported', { where });
      const saved = new Map<string, number | undefined>();
      for (const [name, type] of f.vars) {
        saved.set(name, scope.slots.get(name));
        scope.slots.set(name, scope.types.length);
        scope.types.push(world.typeId(type));
      }
      const out = dnf(f.f, scope, world, where, false);
      for (const [name, prev] of saved) {
        if (prev === undefined) scope.slots.delete(name);
        else scope.slots.set(name, prev);
      }
      return out;
    }
  }
}
