/** The PDDL subset used by ALFWorld, as plain data: typed terms, formulas, effects, actions, domain and problem. */

/** A term: a variable (`?x`, stored without the `?`) or a constant object name. */
export type Term = { v: string } | { c: string };

export type Formula =
  | { op: 'true' }
  | { op: 'atom'; pred: string; args: Term[] }
  | { op: 'eq'; a: Term; b: Term }
  | { op: 'not'; f: Formula }
  | { op: 'and'; fs: Formula[] }
  | { op: 'or'; fs: Formula[] }
  | { op: 'exists'; vars: [string, string][]; f: Formula };

/** A literal effect, possibly under a condition (`when`). Numeric effects (`increase total-cost`) are dropped. */
export interface Effect {
  pred: string;
  args: Term[];
  add: boolean;
  when?: Formula;
}

export interface ActionSchema {
  name: string;
  params: [string, string][];
  pre: Formula;
  effects: Effect[];
  line: number;
}

export interface Domain {
  name: string;
  types: string[];
  /** Predicate name -> parameter types. */
  predicates: Map<string, string[]>;
  actions: ActionSchema[];
}

export interface Problem {
  name: string;
  /** Object name -> type, in declaration order. */
  objects: Map<string, string>;
  init: { pred: string; args: string[] }[];
  goal: Formula;
}
