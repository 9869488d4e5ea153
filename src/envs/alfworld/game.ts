/**
 * One ALFWorld game: the PDDL state, the commands the grammar defines, their preconditions and effects from the
 * domain, observations derived from the game's own grammar, and `won` from the problem's goal.
 *
 * Commands are matched exactly as the original does: the command (trimmed) must equal one of the admissible commands
 * of the current state, which are the applicable ground actions rendered through their templates, de-duplicated and
 * sorted. Anything else answers "Nothing happens." and leaves the state unchanged. The admissible list is computed
 * once per state and reused until an action changes the state.
 */
import { EpoError } from '../../core/errors.js';
import type { ActionText, GrammarDoc } from './grammar/document.js';
import { Renderer, type Ctx } from './grammar/render.js';
import { parseTemplate, type Sym } from './grammar/template.js';
import { demangle } from './names.js';
import type { Domain, Problem, Term } from './pddl/ast.js';
import { compileFormula } from './pddl/compile.js';
import { satisfiable, solve, type Conj } from './query.js';
import { FactStore, World, type Entity } from './world.js';

export const NOTHING_HAPPENS = 'Nothing happens.';

interface CompiledEffect { pred: number; args: number[]; add: boolean; when?: Conj[] }

interface CompiledAction {
  name: string;
  params: [string, string][];
  keys: string[];
  pre: Conj[];
  slots: number;
  effects: CompiledEffect[];
  text: ActionText;
  /** Template as literal pieces and parameter indexes, when it is that simple (most are). */
  fast?: (string | number)[];
}

export interface GroundAction { action: CompiledAction; args: number[] }

export interface StepOutcome {
  feedback: string;
  /** Whether the command matched an admissible command (and changed the state). */
  valid: boolean;
  won: boolean;
  /** The PDDL action that ran, e.g. "gotolocation". */
  action?: string;
}

const INTRO: Sym[] = parseTemplate('#intro#', 'intro');
const EMPTY: Ctx = { keys: [], names: [], objs: [] };

export class AlfworldGame {
  readonly world: World;
  readonly entities: Entity[];
  readonly initial: FactStore;
  readonly store: FactStore;
  private readonly renderer: Renderer;
  private readonly actions: CompiledAction[];
  private readonly goal: Conj[];
  private goalSlots: number;
  private version = 0;
  private cacheVersion = -1;
  private cachedCommands: string[] = [];
  private cachedByCommand = new Map<string, GroundAction>();
  private placeAlias?: { from: RegExp; to: string };

  constructor(readonly domain: Domain, readonly problem: Problem, readonly grammar: GrammarDoc, readonly where: string) {
    this.world = new World(problem.objects, domain.predicates);
    const w = this.world;
    const inFacts = new Set<string>();
    for (const f of problem.init) {
      let pred = w.predIndex.get(f.pred);
      if (pred === undefined) pred = w.addPredicate(f.pred, f.args.length);
      if (w.arity[pred] !== f.args.length) throw new EpoError('BAD_DATA', `fact (${f.pred} ${f.args.join(' ')}) has ${f.args.length} arguments; the domain declares ${w.arity[pred]}`, { where: `${where} (pddl_problem :init)` });
      for (const a of f.args) inFacts.add(a);
    }
    // Predicates added above need slots in the store, so build it after all are known.
    this.initial = new FactStore(w);
    for (const f of problem.init) {
      const pred = w.predIndex.get(f.pred)!;
      this.initial.add(pred, w.key(f.args.map((a) => w.object(a, `${where} (pddl_problem :init)`))));
    }
    for (let p = 0; p < w.predNames.length; p++) this.initial.neg[p].clear();
    this.store = new FactStore(w);
    this.store.copyFrom(this.initial);

    const names = demangle(inFacts);
    this.entities = w.ids.map((id, i) => ({ id, type: w.typeNames[w.typeOf[i]], name: names.get(id) ?? `${id} `, indefinite: 'a', definite: 'the' }));
    w.entities = this.entities;
    this.renderer = new Renderer(grammar, w, this.store, this.entities);

    this.actions = domain.actions.map((a) => this.compileAction(a));
    const goalConj = compileFormula(problem.goal, w, [], `${where} (pddl_problem :goal)`);
    this.goal = goalConj;
    this.goalSlots = Math.max(1, ...goalConj.map((c) => c.types.length));

    const put = this.actions.find((a) => a.name === 'putobject');
    if (put?.text.template === 'move {o} to {r}') this.placeAlias = { from: /^put (.+?) in\/on (.+)$/, to: 'move $1 to $2' };
    else if (put?.text.template === 'put {o} in/on {r}') this.placeAlias = { from: /^move (.+?) to (.+)$/, to: 'put $1 in/on $2' };
  }

  private compileAction(a: Domain['actions'][number]): CompiledAction {
    const where = `${this.where} (pddl_domain, action ${a.name})`;
    const text = this.grammar.actions.get(a.name);
    if (!text) throw new EpoError('BAD_DATA', `the grammar has no template for action "${a.name}"`, { where: `${this.where} (grammar)` });
    const pre = compileFormula(a.pre, this.world, a.params, where);
    const slotOf = new Map(a.params.map(([n], i) => [n, i]));
    const arg = (t: Term): number => {
      if ('v' in t) {
        const s = slotOf.get(t.v);
        if (s === undefined) throw new EpoError('BAD_DATA', `effect uses ?${t.v}, which is not a parameter`, { where });
        return s;
      }
      return -this.world.object(t.c, where) - 1;
    };
    const effects = a.effects.map((e): CompiledEffect => {
      let pred = this.world.predIndex.get(e.pred);
      if (pred === undefined) throw new EpoError('BAD_DATA', `effect on undeclared predicate "${e.pred}"`, { where });
      if (this.world.arity[pred] !== e.args.length) throw new EpoError('BAD_DATA', `effect (${e.pred} …) has ${e.args.length} arguments; the domain declares ${this.world.arity[pred]}`, { where });
      pred = pred!;
      return { pred, args: e.args.map(arg), add: e.add, when: e.when ? compileFormula(e.when, this.world, a.params, where) : undefined };
    });
    const slots = Math.max(a.params.length, ...pre.map((c) => c.types.length), 1);
    const compiled: CompiledAction = { name: a.name, params: a.params, keys: a.params.map(([n, t]) => `${n}:${t}`), pre, slots, effects, text };
    compiled.fast = fastTemplate(text.templateSyms, a.params.map(([n]) => n));
    return compiled;
  }

  /** Back to the initial state; returns the raw first observation (with the welcome banner). */
  reset(): string {
    this.store.copyFrom(this.initial);
    this.version++;
    return this.renderer.render(INTRO, EMPTY);
  }

  /** The admissible commands in the original's form and order (sorted, without duplicates). */
  admissible(): string[] {
    this.refresh();
    return this.cachedCommands;
  }

  /** The ground actions applicable now, with the command each renders to. */
  applicable(): Map<string, GroundAction> {
    this.refresh();
    return this.cachedByCommand;
  }

  private ctxOf(g: GroundAction): Ctx {
    return { keys: g.action.keys, names: g.action.params.map(([n]) => n), objs: g.args };
  }

  private command(g: GroundAction): string {
    const fast = g.action.fast;
    if (fast) {
      let s = '';
      for (const p of fast) s += typeof p === 'string' ? p : this.entities[g.args[p]].name;
      return s;
    }
    return this.renderer.render(g.action.text.templateSyms, this.ctxOf(g));
  }

  private refresh(): void {
    if (this.cacheVersion === this.version) return;
    const byCommand = new Map<string, GroundAction>();
    for (const action of this.actions) {
      const binding = new Int32Array(action.slots);
      const seen = new Set<string>();
      const np = action.params.length;
      for (const conj of action.pre) {
        binding.fill(-1);
        solve(conj, this.store, binding.subarray(0, conj.types.length), (b) => {
          const args: number[] = [];
          for (let i = 0; i < np; i++) args.push(b[i]);
          const key = args.join(',');
          if (seen.has(key)) return;
          seen.add(key);
          const g = { action, args };
          const cmd = this.command(g);
          if (!byCommand.has(cmd)) byCommand.set(cmd, g);
        });
      }
    }
    this.cachedByCommand = byCommand;
    this.cachedCommands = [...byCommand.keys()].sort();
    this.cacheVersion = this.version;
  }

  /** The ground action a command names in the current state, accepting the other placing spelling too. */
  resolve(command: string): GroundAction | undefined {
    const cmd = command.trim();
    const map = this.applicable();
    const g = map.get(cmd);
    if (g || !this.placeAlias) return g;
    const alt = cmd.replace(this.placeAlias.from, this.placeAlias.to);
    return alt !== cmd ? map.get(alt) : undefined;
  }

  step(command: string): StepOutcome {
    const g = this.resolve(command);
    if (!g) return { feedback: NOTHING_HAPPENS, valid: false, won: this.isWon() };
    this.apply(g);
    const feedback = this.renderer.render(g.action.text.feedback, this.ctxOf(g));
    return { feedback, valid: true, won: this.isWon(), action: g.action.name };
  }

  private apply(g: GroundAction): void {
    const { action, args } = g;
    const w = this.world;
    const val = (a: number) => (a < 0 ? -a - 1 : args[a]);
    const fired: CompiledEffect[] = [];
    for (const e of action.effects) {
      if (e.when) {
        const b = new Int32Array(Math.max(action.slots, ...e.when.map((c) => c.types.length)));
        let ok = false;
        for (const c of e.when) {
          b.fill(-1);
          for (let i = 0; i < args.length; i++) b[i] = args[i];
          if (satisfiable(c, this.store, b.subarray(0, c.types.length))) { ok = true; break; }
        }
        if (!ok) continue;
      }
      fired.push(e);
    }
    // PDDL semantics: conditions read the old state, deletes happen before adds.
    for (const e of fired) if (!e.add) { let k = 0; for (const a of e.args) k = k * w.n + val(a); this.store.remove(e.pred, k); }
    for (const e of fired) if (e.add) { let k = 0; for (const a of e.args) k = k * w.n + val(a); this.store.add(e.pred, k); }
    this.version++;
  }

  isWon(): boolean {
    const b = new Int32Array(this.goalSlots);
    for (const c of this.goal) {
      b.fill(-1);
      if (satisfiable(c, this.store, b.subarray(0, c.types.length))) return true;
    }
    return false;
  }

  /** Render any grammar symbol (e.g. "#look.feedback#") in the current state, for tools and tests. */
  renderRule(source: string): string {
    return this.renderer.render(parseTemplate(source, 'renderRule'), EMPTY);
  }

  /** The task sentence from the grammar's "task" rule ("Your task is to: …"), if present. */
  taskSentence(): string | undefined {
    if (!this.grammar.rules.has('task')) return undefined;
    return this.renderRule('#task#');
  }
}

/** Literal text and bare `{param}` references only: render by concatenation. */
function fastTemplate(syms: Sym[], params: string[]): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  for (const s of syms) {
    if (s.k === 'text') out.push(s.text);
    else if (s.k === 'cond' && !s.given && s.expr.k === 'eval') {
      const i = params.indexOf(s.expr.src.trim());
      if (i < 0) return undefined;
      out.push(i);
    } else return undefined;
  }
  return out;
}
