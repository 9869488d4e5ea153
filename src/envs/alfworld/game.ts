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
import { LitKind, satisfiable, solve, type Conj } from './query.js';
import { FactStore, World, type Entity } from './world.js';

export const NOTHING_HAPPENS = 'Nothing happens.';

interface CompiledEffect { pred: number; args: number[]; add: boolean; when?: Conj[] }

interface CompiledAction {
  name: string;
  params: [string, string][];
  keys: string[];
  names: string[];
  pre: Conj[];
  slots: number;
  effects: CompiledEffect[];
  text: ActionText;
  /** Template as literal pieces and parameter indexes, when it is that simple (most are). */
  fast?: (string | number)[];
  /** Commands already rendered, by argument key, when the template reads no changing facts. */
  memo?: Map<number, string>;
  /** Whether two solutions can share parameters (disjunctions, existential variables): then de-duplicate. */
  dedupe: boolean;
  /** Whether some grounding can be a no-op (every effect already required by the precondition). */
  mayNoop: boolean;
  /** Radix of each parameter's key digit: the number of objects of its type. */
  radix: number[];
  /** Ground actions met so far with their commands, by argument key (only for state-independent templates). */
  grounds: Map<number, Entry>;
  /** Predicates the precondition reads that actions change: the applicable groundings depend on these alone. */
  reads: number[];
  /** Applicable groundings by a 64-bit hash of the facts in `reads` (when commands are state-independent). */
  applicableCache?: Map<number, { check: number; entries: Entry[] }>;
}

/** A ground action with its command; `order` is the command's rank among the commands met so far (for sorting). */
interface Entry { cmd: string; g: GroundAction; order: number }

export interface GroundAction { action: CompiledAction; args: number[]; id: number }

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
  readonly store: FactStore;
  private readonly renderer: Renderer;
  private readonly actions: CompiledAction[];
  private readonly goal: Conj[];
  private goalSlots: number;
  private version = 0;
  private cacheVersion = -1;
  private cachedCommands: readonly string[] = [];
  private cachedGrounds: GroundAction[] = [];
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
    // Predicates added above need slots in the store, so build it after all are known. Resets undo the store's
    // journal of changes since it was built (`markInitial`).
    this.store = new FactStore(w);
    const at = `${where} (pddl_problem :init)`;
    for (const f of problem.init) {
      const pred = w.predIndex.get(f.pred)!;
      this.store.add(pred, w.key(f.args.map((a) => w.object(a, at))));
    }
    this.store.markInitial();

    const names = demangle(inFacts);
    this.entities = w.ids.map((id, i) => ({ id, type: w.typeNames[w.typeOf[i]], name: names.get(id) ?? `${id} `, indefinite: 'a', definite: 'the' }));
    w.entities = this.entities;
    this.renderer = new Renderer(grammar, w, this.store, this.entities);

    this.actions = domain.actions.map((a) => this.compileAction(a));
    const goalConj = compileFormula(problem.goal, w, [], `${where} (pddl_problem :goal)`);
    this.goal = goalConj;
    this.goalSlots = Math.max(1, ...goalConj.map((c) => c.types.length));

    const changing = new Set(this.actions.flatMap((a) => a.effects.map((e) => this.world.predNames[e.pred])));
    const keyFits = (np: number) => Math.pow(this.world.n, np) < Number.MAX_SAFE_INTEGER; // memo keys stay exact
    for (const a of this.actions) {
      if (!keyFits(a.params.length)) throw new EpoError('BAD_DATA', `action "${a.name}" has too many parameters for this many objects`, { where });
      if (!a.fast && readsOnly(a.text.templateSyms, grammar, (p) => !changing.has(p))) a.memo = new Map();
      // Commands rendered from changing facts could differ between states with equal true facts: no state cache.
      if (!a.fast && !a.memo) this.cacheable = false;
      else {
        a.reads = [...new Set(a.pre.flatMap((c) => c.lits.filter((l) => l.pred >= 0 && changing.has(this.world.predNames[l.pred])).map((l) => l.pred)))];
        a.applicableCache = new Map();
      }
    }

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
    const dedupe = pre.length > 1 || pre.some((c) => c.types.length > a.params.length);
    const mayNoop = effects.length === 0 || (effects.every((e) => !e.when) && effects.some((e) => pre.some((c) => c.lits.some((l) => l.pred === e.pred))));
    const compiled: CompiledAction = { name: a.name, params: a.params, keys: a.params.map(([n, t]) => `${n}:${t}`), names: a.params.map(([n]) => n), pre, slots, effects, text, dedupe, mayNoop, grounds: new Map(), reads: [],
      radix: a.params.map(([, t]) => Math.max(1, this.world.byType[this.world.typeId(t)].length)) };
    compiled.fast = fastTemplate(text.templateSyms, a.params.map(([n]) => n));
    return compiled;
  }

  // Where solutions of the precondition queries go while the admissible commands are computed (no closures per call).
  private sink: Entry[] = [];
  /** Every memoised entry in command order; each carries a numeric `order` so refreshes sort by numbers. */
  private known: Entry[] = [];
  private sinkAction!: CompiledAction;
  private sinkConj!: Conj;
  private readonly sinkSeen = new Set<number>();
  private readonly onSolution = (b: Int32Array): void => {
    const action = this.sinkAction;
    const n = this.world.n;
    if (action.mayNoop && isNoop(action, this.sinkConj, b, n)) return;
    const np = action.params.length;
    const radix = action.radix, rank = this.world.rank;
    let key = 0;
    for (let i = 0; i < np; i++) key = key * radix[i] + rank[b[i]];
    if (action.dedupe) {
      if (this.sinkSeen.has(key)) return;
      this.sinkSeen.add(key);
    }
    let e = action.grounds.get(key);
    if (!e) {
      const args: number[] = new Array(np);
      for (let i = 0; i < np; i++) args[i] = b[i];
      const g: GroundAction = { action, args, id: this.nextId++ };
      e = { cmd: this.command(g, key), g, order: -1 };
      if (action.fast || action.memo) {
        action.grounds.set(key, e);
        this.placeInOrder(e);
      }
    }
    this.sink.push(e);
  };

  private bindings: Int32Array[] = [];
  private bindingFor(size: number): Int32Array {
    return this.bindings[size] ?? (this.bindings[size] = new Int32Array(size));
  }

  /** Back to the initial state; returns the raw first observation (with the welcome banner). */
  reset(): string {
    this.store.rollback();
    this.version++;
    // The state after a reset is always the initial one, and so is its welcome text.
    return (this.intro ??= this.renderer.render(INTRO, EMPTY));
  }

  private intro?: string;

  /** The admissible commands in the original's form and order (sorted, without duplicates); shared and frozen. */
  admissible(): readonly string[] {
    this.refresh();
    return this.cachedCommands;
  }

  /**
   * Give a new entry an order between its neighbours in command order (equal commands share one, so the stable sort
   * keeps enumeration order); when the gap is exhausted, renumber everything.
   */
  private placeInOrder(e: Entry): void {
    const k = this.known;
    let lo = 0, hi = k.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (k[mid].cmd <= e.cmd) lo = mid + 1; else hi = mid; }
    k.splice(lo, 0, e);
    const prev = k[lo - 1], next = k[lo + 1];
    if (prev && prev.cmd === e.cmd) { e.order = prev.order; return; }
    const a = prev ? prev.order : 0, b = next ? next.order : a + 2 ** 21;
    e.order = (a + b) / 2;
    if (e.order <= a || e.order >= b) {
      let order = 0;
      for (let i = 0; i < k.length; i++) {
        if (i > 0 && k[i].cmd !== k[i - 1].cmd) order += 2 ** 20;
        k[i].order = order;
      }
    }
  }

  /** The ground action an exact admissible command names, if any (binary search in the sorted list). */
  private lookup(cmd: string): GroundAction | undefined {
    this.refresh();
    const c = this.cachedCommands;
    let lo = 0, hi = c.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = c[mid];
      if (v === cmd) return this.cachedGrounds[mid];
      if (v < cmd) lo = mid + 1; else hi = mid - 1;
    }
    return undefined;
  }

  private ctxOf(g: GroundAction): Ctx {
    return { keys: g.action.keys, names: g.action.names, objs: g.args };
  }

  private command(g: GroundAction, key: number): string {
    const fast = g.action.fast;
    if (fast) {
      let s = '';
      for (const p of fast) s += typeof p === 'string' ? p : this.entities[g.args[p]].name;
      return s;
    }
    const memo = g.action.memo;
    let cmd = memo?.get(key);
    if (cmd === undefined) {
      cmd = this.renderer.render(g.action.text.templateSyms, this.ctxOf(g));
      memo?.set(key, cmd);
    }
    return cmd;
  }

  /** Admissible commands of states seen before, by state hash (bounded; cleared when full). */
  private stateCache = new Map<number, { check: number; commands: readonly string[]; grounds: GroundAction[] }>();
  private cacheable = true;
  static STATE_CACHE_SIZE = 1024;

  private refresh(): void {
    if (this.cacheVersion === this.version) return;
    this.cacheVersion = this.version;
    const useCache = this.cacheable && AlfworldGame.STATE_CACHE_SIZE > 0;
    const hkey = this.store.h1, check = this.store.h2;
    const found = useCache ? this.stateCache.get(hkey) : undefined;
    const hit = found && found.check === check ? found : undefined;
    if (hit) {
      this.cachedCommands = hit.commands;
      this.cachedGrounds = hit.grounds;
      return;
    }
    const sink = this.sink;
    sink.length = 0;
    for (const action of this.actions) {
      const cache = useCache ? action.applicableCache : undefined;
      let key = 0, check = 0;
      if (cache) {
        const reads = action.reads, ph1 = this.store.ph1, ph2 = this.store.ph2;
        for (let i = 0; i < reads.length; i++) {
          key = Math.imul(key ^ ph1[reads[i]], 0x9e3779b1) + i;
          check = Math.imul(check ^ ph2[reads[i]], 0x85ebca77) + i;
        }
        const hit = cache.get(key);
        if (hit && hit.check === check) { for (const e of hit.entries) sink.push(e); continue; }
      }
      const from = sink.length;
      const binding = this.bindingFor(action.slots);
      this.sinkAction = action;
      this.sinkSeen.clear();
      for (const c of action.pre) {
        this.sinkConj = c;
        binding.fill(-1);
        solve(c, this.store, binding, this.onSolution);
      }
      if (cache) {
        if (cache.size >= AlfworldGame.STATE_CACHE_SIZE) cache.clear();
        cache.set(key, { check, entries: sink.slice(from) });
      }
    }
    // Sorted like the original; the sort is stable, so the first action rendering a command is the one it runs.
    sink.sort(this.cacheable ? byOrder : byCommandText);
    const commands: string[] = [];
    const grounds: GroundAction[] = [];
    for (const e of sink) {
      if (commands.length && commands[commands.length - 1] === e.cmd) continue;
      commands.push(e.cmd);
      grounds.push(e.g);
    }
    Object.freeze(commands);
    this.cachedCommands = commands;
    this.cachedGrounds = grounds;
    if (useCache) {
      if (this.stateCache.size >= AlfworldGame.STATE_CACHE_SIZE) this.stateCache.clear();
      this.stateCache.set(hkey, { check, commands, grounds });
    }
  }

  /** The ground action a command names in the current state, accepting the other placing spelling too. */
  resolve(command: string): GroundAction | undefined {
    const cmd = command.trim();
    const g = this.lookup(cmd);
    if (g || !this.placeAlias) return g;
    const alt = cmd.replace(this.placeAlias.from, this.placeAlias.to);
    return alt !== cmd ? this.lookup(alt) : undefined;
  }

  step(command: string): StepOutcome {
    const g = this.resolve(command);
    if (!g) return { feedback: NOTHING_HAPPENS, valid: false, won: this.isWon() };
    this.apply(g);
    const feedback = this.feedback(g);
    return { feedback, valid: true, won: this.isWon(), action: g.action.name };
  }

  private nextId = 0;
  /** Feedback already rendered, by (ground action, resulting facts incl. negative ones); bounded. */
  private feedbackCache = new Map<number, { check: number; text: string }>();

  private feedback(g: GroundAction): string {
    const st = this.store;
    const useCache = this.cacheable && AlfworldGame.STATE_CACHE_SIZE > 0;
    if (!useCache) return this.renderer.render(g.action.text.feedback, this.ctxOf(g));
    const key = (Math.imul(st.h1 ^ st.nh1, 0x9e3779b1) ^ Math.imul(g.id + 1, 0x85ebca77)) | 0;
    const check = (st.h2 ^ Math.imul(st.nh2, 0xc2b2ae35) ^ Math.imul(g.id + 7, 0x27d4eb2f)) | 0;
    const hit = this.feedbackCache.get(key);
    if (hit && hit.check === check) return hit.text;
    const text = this.renderer.render(g.action.text.feedback, this.ctxOf(g));
    if (this.feedbackCache.size >= AlfworldGame.STATE_CACHE_SIZE) this.feedbackCache.clear();
    this.feedbackCache.set(key, { check, text });
    return text;
  }

  private readonly fired: CompiledEffect[] = [];

  private apply(g: GroundAction): void {
    const { action, args } = g;
    const n = this.world.n;
    const fired = this.fired;
    fired.length = 0;
    for (const e of action.effects) {
      if (e.when) {
        const b = new Int32Array(Math.max(action.slots, ...e.when.map((c) => c.types.length)));
        let ok = false;
        for (const c of e.when) {
          b.fill(-1);
          for (let i = 0; i < args.length; i++) b[i] = args[i];
          if (satisfiable(c, this.store, b)) { ok = true; break; }
        }
        if (!ok) continue;
      }
      fired.push(e);
    }
    // PDDL semantics: conditions read the old state, deletes happen before adds.
    for (const e of fired) if (!e.add) this.store.remove(e.pred, groundArgs(e.args, args, n));
    for (const e of fired) if (e.add) this.store.add(e.pred, groundArgs(e.args, args, n));
    this.version++;
  }

  isWon(): boolean {
    const b = this.bindingFor(this.goalSlots);
    for (const c of this.goal) {
      b.fill(-1);
      if (satisfiable(c, this.store, b)) return true;
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

const byCommandText = (a: Entry, b: Entry) => (a.cmd < b.cmd ? -1 : a.cmd > b.cmd ? 1 : 0);
const byOrder = (a: Entry, b: Entry) => a.order - b.order;

/**
 * The original's planner drops operators whose every effect is already fixed by their precondition (for instance
 * going to a receptacle at the location the agent stands at): such commands are not admissible.
 */
function isNoop(action: CompiledAction, conj: Conj, b: Int32Array, n: number): boolean {
  const effects = action.effects;
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i];
    const key = groundKey(e.args, b, n);
    let implied = false;
    if (e.add) implied = requires(conj, e.pred, key, LitKind.Pos, b, n);
    else {
      // A deleted fact that the action also adds stays (add wins), or one the precondition requires false.
      for (let j = 0; j < effects.length && !implied; j++) {
        const f = effects[j];
        implied = f.add && f.pred === e.pred && groundKey(f.args, b, n) === key;
      }
      implied ||= requires(conj, e.pred, key, LitKind.Neg, b, n);
    }
    if (!implied) return false;
  }
  return true;
}

/** A fact key from effect arguments (slots or constants) and an action's arguments. */
function groundArgs(eargs: number[], args: number[], n: number): number {
  let k = 0;
  for (let i = 0; i < eargs.length; i++) { const a = eargs[i]; k = k * n + (a < 0 ? -a - 1 : args[a]); }
  return k;
}

function groundKey(args: number[], b: Int32Array, n: number): number {
  let k = 0;
  for (let i = 0; i < args.length; i++) { const a = args[i]; k = k * n + (a < 0 ? -a - 1 : b[a]); }
  return k;
}

function requires(conj: Conj, pred: number, key: number, kind: LitKind, b: Int32Array, n: number): boolean {
  for (const l of conj.lits) if (l.kind === kind && l.pred === pred && groundKey(l.args, b, n) === key) return true;
  return false;
}

/** Whether a template (and the rules it uses) only queries predicates accepted by `ok`. */
function readsOnly(syms: Sym[], grammar: GrammarDoc, ok: (pred: string) => boolean, seen = new Set<string>()): boolean {
  const q = (spec?: { lits: { pred: string; neg: boolean }[] }) => !spec || spec.lits.every((l) => !l.neg && ok(l.pred));
  for (const s of syms) {
    if (s.k === 'rule') {
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      for (const alt of grammar.rules.get(s.name) ?? []) if (!q(alt.condition) || !readsOnly(alt.rhs, grammar, ok, seen)) return false;
    } else if (s.k === 'cond') { if (!q(s.given) || !readsOnly([s.expr], grammar, ok, seen)) return false; }
    else if (s.k === 'list') { if (!readsOnly([s.cond], grammar, ok, seen)) return false; }
  }
  return true;
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
