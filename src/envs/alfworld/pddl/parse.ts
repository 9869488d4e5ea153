/**
 * PDDL domain and problem parsers for the ALFWorld subset (STRIPS + typing + negation, disjunction, existentials,
 * equality, conditional effects; numeric `increase` effects are read and ignored). Anything outside the subset is
 * rejected with an error naming the file, line and construct.
 */
import { EpoError } from '../../../core/errors.js';
import type { ActionSchema, Domain, Effect, Formula, Problem, Term } from './ast.js';
import { head, isAtom, isList, parseSExprs, typedList, type SExpr, type SList } from './sexpr.js';

const at = (where: string, e: SExpr) => `${where}:${e.line}`;

function term(e: SExpr, where: string): Term {
  if (!isAtom(e)) throw new EpoError('BAD_DATA', 'expected a variable or a constant, found a list', { where: at(where, e) });
  return e.value.startsWith('?') ? { v: e.value.slice(1) } : { c: e.value };
}

export function parseFormula(e: SExpr, where: string): Formula {
  if (!isList(e)) throw new EpoError('BAD_DATA', `expected a formula, found "${e.value}"`, { where: at(where, e) });
  if (e.items.length === 0) return { op: 'true' };
  const h = head(e);
  if (h === undefined) throw new EpoError('BAD_DATA', 'a formula must start with a keyword or predicate', { where: at(where, e) });
  const rest = e.items.slice(1);
  switch (h) {
    case 'and': return { op: 'and', fs: rest.map((f) => parseFormula(f, where)) };
    case 'or': return { op: 'or', fs: rest.map((f) => parseFormula(f, where)) };
    case 'not':
      if (rest.length !== 1) throw new EpoError('BAD_DATA', '"not" takes exactly one formula', { where: at(where, e) });
      return { op: 'not', f: parseFormula(rest[0], where) };
    case 'exists': {
      const vars = rest[0];
      if (!isList(vars) || rest.length !== 2) throw new EpoError('BAD_DATA', '"exists" needs (variables) and one formula', { where: at(where, e) });
      return { op: 'exists', vars: typedList(vars.items, where).map(([n, t]) => [stripQ(n, where, vars), t]), f: parseFormula(rest[1], where) };
    }
    case '=':
      if (rest.length !== 2) throw new EpoError('BAD_DATA', '"=" takes two terms', { where: at(where, e) });
      return { op: 'eq', a: term(rest[0], where), b: term(rest[1], where) };
    case 'forall': case 'imply': case 'when':
      throw new EpoError('BAD_DATA', `unsupported PDDL construct "${h}" in a condition`, { where: at(where, e) });
    default:
      return { op: 'atom', pred: h, args: rest.map((a) => term(a, where)) };
  }
}

function stripQ(name: string, where: string, e: SExpr): string {
  if (!name.startsWith('?')) throw new EpoError('BAD_DATA', `expected a variable (?name), found "${name}"`, { where: at(where, e) });
  return name.slice(1);
}

function parseEffects(e: SExpr, where: string, out: Effect[] = [], when?: Formula): Effect[] {
  if (!isList(e)) throw new EpoError('BAD_DATA', 'expected an effect', { where: at(where, e) });
  if (e.items.length === 0) return out;
  const h = head(e);
  const rest = e.items.slice(1);
  if (h === 'and') { for (const f of rest) parseEffects(f, where, out, when); return out; }
  if (h === 'increase' || h === 'decrease' || h === 'assign') return out; // action costs: no effect on play
  if (h === 'when') {
    if (rest.length !== 2) throw new EpoError('BAD_DATA', '"when" takes a condition and an effect', { where: at(where, e) });
    if (when) throw new EpoError('BAD_DATA', 'nested "when" is not supported', { where: at(where, e) });
    return parseEffects(rest[1], where, out, parseFormula(rest[0], where));
  }
  if (h === 'forall') throw new EpoError('BAD_DATA', 'unsupported PDDL construct "forall" in an effect', { where: at(where, e) });
  if (h === 'not') {
    const inner = rest[0];
    if (!isList(inner) || head(inner) === undefined) throw new EpoError('BAD_DATA', '"not" in an effect takes an atom', { where: at(where, e) });
    out.push({ pred: head(inner)!, args: inner.items.slice(1).map((a) => term(a, where)), add: false, when });
    return out;
  }
  if (h === undefined) throw new EpoError('BAD_DATA', 'an effect must start with a keyword or predicate', { where: at(where, e) });
  out.push({ pred: h, args: rest.map((a) => term(a, where)), add: true, when });
  return out;
}

function defineBody(text: string, where: string, kind: 'domain' | 'problem'): { name: string; parts: SList[]; top: SList } {
  const exprs = parseSExprs(text, where);
  const top = exprs.find((x) => isList(x) && head(x) === 'define');
  if (!top || !isList(top)) throw new EpoError('BAD_DATA', `no (define (${kind} …)) found`, { where: `${where}:1` });
  const nameList = top.items[1];
  if (!isList(nameList) || head(nameList) !== kind || !isAtom(nameList.items[1])) {
    throw new EpoError('BAD_DATA', `expected (${kind} <name>) after define`, { where: at(where, top) });
  }
  const parts = top.items.slice(2).filter(isList);
  return { name: (nameList.items[1] as { value: string }).value, parts, top };
}

export function parseDomain(text: string, where: string): Domain {
  const { name, parts } = defineBody(text, where, 'domain');
  const domain: Domain = { name, types: [], predicates: new Map(), actions: [] };
  for (const p of parts) {
    const h = head(p);
    const rest = p.items.slice(1);
    if (h === ':types') domain.types = typedList(rest, where).map(([n]) => n);
    else if (h === ':predicates') {
      for (const pr of rest) {
        if (!isList(pr) || head(pr) === undefined) throw new EpoError('BAD_DATA', 'malformed predicate declaration', { where: at(where, pr) });
        domain.predicates.set(head(pr)!, typedList(pr.items.slice(1), where).map(([, t]) => t));
      }
    } else if (h === ':action') domain.actions.push(parseAction(p, where));
    else if (h === ':requirements' || h === ':functions' || h === ':constants') continue;
    else throw new EpoError('BAD_DATA', `unknown domain section "${h ?? '(list)'}"`, { where: at(where, p) });
  }
  return domain;
}

function parseAction(p: SList, where: string): ActionSchema {
  const nameAtom = p.items[1];
  if (!isAtom(nameAtom)) throw new EpoError('BAD_DATA', 'an action needs a name', { where: at(where, p) });
  const action: ActionSchema = { name: nameAtom.value, params: [], pre: { op: 'true' }, effects: [], line: p.line };
  for (let i = 2; i < p.items.length; i += 2) {
    const key = p.items[i];
    const val = p.items[i + 1];
    if (!isAtom(key) || val === undefined) throw new EpoError('BAD_DATA', `malformed action "${action.name}"`, { where: at(where, key) });
    if (key.value === ':parameters') {
      if (!isList(val)) throw new EpoError('BAD_DATA', ':parameters takes a list', { where: at(where, val) });
      action.params = typedList(val.items, where).map(([n, t]) => [stripQ(n, where, val), t]);
    } else if (key.value === ':precondition') action.pre = parseFormula(val, where);
    else if (key.value === ':effect') action.effects = parseEffects(val, where);
    else throw new EpoError('BAD_DATA', `unknown action field "${key.value}" in action "${action.name}"`, { where: at(where, key) });
  }
  return action;
}

export function parseProblem(text: string, where: string): Problem {
  const { name, parts } = defineBody(text, where, 'problem');
  const problem: Problem = { name, objects: new Map(), init: [], goal: { op: 'true' } };
  let sawGoal = false;
  for (const p of parts) {
    const h = head(p);
    const rest = p.items.slice(1);
    if (h === ':objects') for (const [n, t] of typedList(rest, where)) problem.objects.set(n, t);
    else if (h === ':init') {
      for (const f of rest) {
        if (!isList(f) || head(f) === undefined) throw new EpoError('BAD_DATA', 'malformed fact in :init', { where: at(where, f) });
        if (head(f) === '=') continue; // numeric fluents (distances) play no part
        const args = f.items.slice(1).map((a) => {
          if (!isAtom(a)) throw new EpoError('BAD_DATA', `fact arguments must be object names`, { where: at(where, a) });
          return a.value;
        });
        problem.init.push({ pred: head(f)!, args });
      }
    } else if (h === ':goal') {
      if (!rest[0]) throw new EpoError('BAD_DATA', ':goal is empty', { where: at(where, p) });
      problem.goal = parseFormula(rest[0], where);
      sawGoal = true;
    } else if (h === ':domain' || h === ':requirements' || h === ':metric') continue;
    else throw new EpoError('BAD_DATA', `unknown problem section "${h ?? '(list)'}"`, { where: at(where, p) });
  }
  if (!sawGoal) throw new EpoError('BAD_DATA', 'the problem has no :goal', { where: `${where}:1` });
  return problem;
}
