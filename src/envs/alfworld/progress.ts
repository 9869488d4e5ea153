/**
 * Environment-grounded subgoal progress, read from the game state and derived from the problem's goal:
 *
 *   seen         an object of the target type is in view (in an open or open-topped receptacle where the agent
 *                stands) or in hand
 *   taken        the agent holds an object of the target type
 *   cleaned / heated / cooled / sliced
 *                an object of the target type has the goal's state (isClean, isHot, isCool, isSliced)
 *   lamp_on      (look tasks) a light of the goal's type has been switched on
 *   placed       an object of the target type with the goal's states is in a receptacle of the goal's type
 *   placed_two   (pick-two tasks) two distinct such objects are
 *
 * Each subgoal, once reached, stays reached for the episode; `progress` is the fraction reached (1 when won).
 */
import type { AlfworldGame } from './game.js';
import type { Formula } from './pddl/ast.js';
import { compileFormula } from './pddl/compile.js';
import { satisfiable, solve, type Conj } from './query.js';

interface Subgoal { name: string; queries: Conj[]; count?: number }

const STATE_NAMES: Record<string, string> = { isclean: 'cleaned', ishot: 'heated', iscool: 'cooled', issliced: 'sliced' };

const atom = (pred: string, ...args: string[]): Formula => ({ op: 'atom', pred, args: args.map((a) => (a.startsWith('?') ? { v: a.slice(1) } : { c: a })) });
const and = (...fs: Formula[]): Formula => ({ op: 'and', fs });
const or = (...fs: Formula[]): Formula => ({ op: 'or', fs });
const exists = (vars: [string, string][], f: Formula): Formula => ({ op: 'exists', vars, f });

interface GoalFacts { objectType?: string; receptacleType?: string; states: string[]; lampType?: string; two: boolean; placing: boolean }

/** What the goal asks for: the target's type, the destination type, required states, a light to switch on. */
export function analyseGoal(goal: Formula): GoalFacts {
  const atoms: { pred: string; args: string[] }[] = [];
  const walk = (f: Formula) => {
    if (f.op === 'atom') atoms.push({ pred: f.pred, args: f.args.map((t) => ('v' in t ? `?${t.v}` : t.c)) });
    else if (f.op === 'and' || f.op === 'or') f.fs.forEach(walk);
    else if (f.op === 'exists' || f.op === 'not') walk(f.f);
  };
  walk(goal);
  const typeOf = new Map<string, string>();
  for (const a of atoms) if ((a.pred === 'objecttype' || a.pred === 'receptacletype') && a.args.length === 2) typeOf.set(a.args[0], a.args[1]);
  const placed = atoms.filter((a) => a.pred === 'inreceptacle').map((a) => a.args);
  const held = atoms.filter((a) => a.pred === 'holds').map((a) => a.args[1]);
  const toggled = atoms.find((a) => a.pred === 'istoggled')?.args[0];
  const targetVar = placed.find((p) => p[0] !== toggled)?.[0] ?? held[0];
  const states = [...new Set(atoms.filter((a) => a.args[0] === targetVar && a.pred in STATE_NAMES).map((a) => a.pred))];
  const destVar = placed.find((p) => p[0] === targetVar)?.[1];
  return {
    objectType: targetVar ? typeOf.get(targetVar) : undefined,
    receptacleType: destVar ? typeOf.get(destVar) : undefined,
    states,
    lampType: toggled ? typeOf.get(toggled) : undefined,
    two: placed.filter((p) => p[0] !== toggled).length >= 2,
    placing: placed.some((p) => p[0] === targetVar),
  };
}

export class SubgoalTracker {
  readonly subgoals: Subgoal[] = [];
  private reached: boolean[] = [];

  constructor(private readonly game: AlfworldGame) {
    const g = analyseGoal(game.problem.goal);
    const w = game.world;
    const where = `${game.where} (subgoals)`;
    const has = (pred: string) => w.predIndex.has(pred);
    const compile = (f: Formula) => compileFormula(f, w, [], where);
    const T = g.objectType;
    if (T && w.index.has(T) && has('objecttype')) {
      const ofType = atom('objecttype', '?o', T);
      const inView = and(atom('atlocation', '?a', '?l'), atom('receptacleatlocation', '?r', '?l'), atom('inreceptacle', '?o', '?r'), ofType,
        or({ op: 'not', f: atom('openable', '?r') }, atom('opened', '?r')));
      const inHand = and(atom('holds', '?a', '?o'), ofType);
      this.add('seen', compile(exists([['a', 'agent'], ['l', 'location'], ['r', 'receptacle'], ['o', 'object']], or(inView, inHand))));
      this.add('taken', compile(exists([['a', 'agent'], ['o', 'object']], inHand)));
      for (const s of g.states) this.add(STATE_NAMES[s], compile(exists([['o', 'object']], and(ofType, atom(s, '?o')))));
      if (g.lampType && w.index.has(g.lampType)) {
        this.add('lamp_on', compile(exists([['t', 'object']], and(atom('objecttype', '?t', g.lampType), atom('istoggled', '?t')))));
      }
      if (g.placing && g.receptacleType && w.index.has(g.receptacleType)) {
        const body = and(ofType, ...g.states.map((s) => atom(s, '?o')), atom('inreceptacle', '?o', '?r'), atom('receptacletype', '?r', g.receptacleType));
        const q = compileFormula(body, w, [['o', 'object'], ['r', 'receptacle']], where);
        this.add('placed', q, 1);
        if (g.two) this.add('placed_two', q, 2);
      }
    }
    this.reset();
  }

  private add(name: string, queries: Conj[], count?: number): void {
    this.subgoals.push({ name, queries, count });
  }

  reset(): void {
    this.reached = this.subgoals.map(() => false);
  }

  /** Update from the current state; returns progress in [0, 1] and the reached subgoals by name. */
  update(won: boolean): { progress: number; subgoals: Record<string, boolean> } {
    const store = this.game.store;
    this.subgoals.forEach((s, i) => {
      if (this.reached[i]) return;
      if (s.count === undefined) {
        this.reached[i] = s.queries.some((q) => satisfiable(q, store, new Int32Array(q.types.length).fill(-1)));
      } else {
        const objects = new Set<number>();
        for (const q of s.queries) solve(q, store, new Int32Array(q.types.length).fill(-1), (b) => { objects.add(b[0]); });
        this.reached[i] = objects.size >= s.count;
      }
    });
    if (won) this.reached.fill(true);
    const subgoals: Record<string, boolean> = {};
    this.subgoals.forEach((s, i) => { subgoals[s.name] = this.reached[i]; });
    const n = this.subgoals.length;
    const progress = won ? 1 : n === 0 ? 0 : this.reached.filter(Boolean).length / n;
    return { progress, subgoals };
  }
}
