/**
 * Deriving text from the grammar against the current facts, as the original environment does: a nonterminal takes
 * the first alternative whose condition has a solution; `{x | query}` repeats x for every solution, in the order of
 * the solutions' object ids; lists are joined with the grammar's own `list_separator`, `list_last_separator` and
 * `list_empty` rules. Placeholders already bound by the action stay bound; new ones must take objects not yet used.
 */
import { EpoError } from '../../../core/errors.js';
import { LitKind, satisfiable, solve, type Conj } from '../query.js';
import type { Entity, FactStore, World } from '../world.js';
import type { GrammarDoc } from './document.js';
import type { QuerySpec, Sym, Value } from './template.js';

/** Bound placeholders: `keys` are "name:type", `names` the bare names used by expressions. */
export interface Ctx { keys: string[]; names: string[]; objs: number[] }

interface Compiled {
  conj: Conj; keys: string[]; names: string[]; unsat: boolean;
  /** For each context key layout seen: slot of each context entry (-1: not in the query), and the extended layout. */
  layouts: WeakMap<string[], Layout>;
}

interface Layout { slots: Int32Array; fresh: number[]; keys: string[]; names: string[] }

export class Renderer {
  private compiled = new Map<QuerySpec, Compiled>();
  private binding = new Int32Array(16);

  constructor(readonly doc: GrammarDoc, readonly world: World, readonly store: FactStore, readonly entities: Entity[]) {}

  private compile(q: QuerySpec): Compiled {
    let c = this.compiled.get(q);
    if (c) return c;
    const keys: string[] = [], names: string[] = [], types: number[] = [];
    let unsat = false;
    const lits = q.lits.map((l) => {
      const pred = this.world.predIndex.get(l.pred);
      if (pred === undefined || this.world.arity[pred] !== l.args.length) unsat = true;
      const args = l.args.map((a) => {
        const key = `${a.name}:${a.type}`;
        let s = keys.indexOf(key);
        if (s < 0) {
          s = keys.length;
          keys.push(key);
          names.push(a.name);
          const t = this.world.typeIndex.get(a.type);
          if (t === undefined) unsat = true;
          types.push(t ?? -1);
        }
        return s;
      });
      return { kind: l.neg ? LitKind.TwNeg : LitKind.Pos, pred: pred ?? -1, args };
    });
    c = { conj: { types, lits, injective: true }, keys, names, unsat, layouts: new WeakMap() };
    this.compiled.set(q, c);
    return c;
  }

  private forbid: number[] = [];

  /** Bind the query's slots from the context; objects bound to other placeholders go to `forbid` (still in use). */
  private prepare(c: Compiled, ctx: Ctx): number[] {
    if (this.binding.length < c.keys.length) this.binding = new Int32Array(c.keys.length * 2);
    const layout = this.layout(c, ctx);
    const forbid = this.forbid;
    forbid.length = 0;
    for (let s = 0; s < c.keys.length; s++) this.binding[s] = -1;
    const slots = layout.slots;
    for (let j = 0; j < slots.length; j++) {
      const s = slots[j];
      if (s >= 0) this.binding[s] = ctx.objs[j];
      else forbid.push(ctx.objs[j]);
    }
    return forbid;
  }

  /** Context layouts are shared arrays (per action, per query), so their slot maps are computed once. */
  private layout(c: Compiled, ctx: Ctx): Layout {
    let l = c.layouts.get(ctx.keys);
    if (!l) {
      const slots = Int32Array.from(ctx.keys, (k) => c.keys.indexOf(k));
      const fresh: number[] = [];
      for (let s = 0; s < c.keys.length; s++) if (!ctx.keys.includes(c.keys[s])) fresh.push(s);
      l = { slots, fresh, keys: [...ctx.keys, ...fresh.map((s) => c.keys[s])], names: [...ctx.names, ...fresh.map((s) => c.names[s])] };
      c.layouts.set(ctx.keys, l);
    }
    return l;
  }

  holds(q: QuerySpec, ctx: Ctx): boolean {
    const c = this.compile(q);
    if (c.unsat) return false;
    const forbid = this.prepare(c, ctx);
    return satisfiable(c.conj, this.store, this.binding, forbid);
  }

  /** The contexts extending `ctx` with each solution of `q`, ordered by the ids of the newly bound objects. */
  query(q: QuerySpec, ctx: Ctx): Ctx[] {
    const c = this.compile(q);
    if (c.unsat) return [];
    const forbid = this.prepare(c, ctx);
    const layout = this.layout(c, ctx);
    const fresh = layout.fresh;
    const rows: number[][] = [];
    solve(c.conj, this.store, this.binding, (sol) => {
      const row = ctx.objs.slice();
      for (let i = 0; i < fresh.length; i++) row.push(sol[fresh[i]]);
      rows.push(row);
    }, forbid);
    const base = ctx.objs.length;
    if (rows.length > 1) rows.sort((x, y) => { for (let i = base; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; });
    const out: Ctx[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = { keys: layout.keys, names: layout.names, objs: rows[i] };
    return out;
  }

  derive(syms: Sym[], ctx: Ctx, out: string[] = []): string[] {
    for (const s of syms) this.sym(s, ctx, out);
    return out;
  }

  render(syms: Sym[], ctx: Ctx): string {
    return this.derive(syms, ctx).join('');
  }

  private rule(name: string, ctx: Ctx, out: string[]): void {
    const alts = this.doc.rules.get(name);
    if (!alts) throw new EpoError('BAD_DATA', `the grammar has no rule "#${name}#"`, { where: 'grammar' });
    for (const alt of alts) {
      if (!alt.condition || this.holds(alt.condition, ctx)) { this.derive(alt.rhs, ctx, out); return; }
    }
    throw new EpoError('BAD_DATA', `no alternative of rule "#${name}#" applies`, { where: 'grammar' });
  }

  private sym(s: Sym, ctx: Ctx, out: string[]): void {
    switch (s.k) {
      case 'text': out.push(s.text); return;
      case 'rule': this.rule(s.name, ctx, out); return;
      case 'eval': out.push(this.show(this.evaluate(s, ctx))); return;
      case 'cond': {
        if (!s.given) { this.sym(s.expr, ctx, out); return; }
        for (const c of this.query(s.given, ctx)) this.sym(s.expr, c, out);
        return;
      }
      case 'list': {
        const ctxs = s.cond.given ? this.query(s.cond.given, ctx) : [ctx];
        const items: string[] = new Array(ctxs.length);
        for (let i = 0; i < ctxs.length; i++) {
          const parts: string[] = [];
          this.sym(s.cond.expr, ctxs[i], parts);
          items[i] = parts.length === 1 ? parts[0] : parts.join('');
        }
        if (items.length === 0) { this.rule('list_empty', ctx, out); return; }
        for (let i = 0; i < items.length; i++) {
          if (i > 0) this.rule(i === items.length - 1 ? 'list_last_separator' : 'list_separator', ctx, out);
          out.push(items[i]);
        }
        return;
      }
    }
  }

  private evalCtx: Ctx = { keys: [], names: [], objs: [] };
  private evalSrc = '';
  private readonly lookupName = (name: string): number | undefined => {
    const ctx = this.evalCtx;
    for (let j = ctx.names.length - 1; j >= 0; j--) if (ctx.names[j] === name) return ctx.objs[j];
    return undefined;
  };
  private readonly attribute = (o: number, attr: string): string => {
    const e = this.entities[o];
    switch (attr) {
      case 'name': return e.name;
      case 'id': return e.id;
      case 'indefinite': return e.indefinite;
      case 'definite': return e.definite;
      case 'type': return e.type;
      default: throw new EpoError('BAD_DATA', `entities have no attribute "${attr}" (in "${this.evalSrc.trim()}")`, { where: 'grammar' });
    }
  };

  private evaluate(s: Sym & { k: 'eval' }, ctx: Ctx): Value {
    this.evalCtx = ctx;
    this.evalSrc = s.src;
    return s.fn(this.lookupName, this.attribute);
  }

  /** An entity shows as its name, as commands such as "open {r}" do in the original. */
  private show(v: Value): string {
    if (v === null) return 'None';
    return typeof v === 'string' ? v : this.entities[v.entity].name;
  }
}
