/**
 * S-expressions for PDDL: atoms and lists, each remembering its line so that errors can point into the source.
 * Comments run from `;` to the end of the line. Identifiers are lower-cased, as PDDL is case-insensitive (and the
 * original toolchain lower-cases every name, which the renamed object names depend on).
 */
import { EpoError } from '../../../core/errors.js';

export type SExpr = SAtom | SList;
export interface SAtom { kind: 'atom'; value: string; line: number }
export interface SList { kind: 'list'; items: SExpr[]; line: number }

const TOKEN = /\n|[ \t\r]+|;[^\n]*|\(|\)|[^\s();]+/y;

export function parseSExprs(source: string, where: string): SExpr[] {
  const text = source.toLowerCase();
  const out: SExpr[] = [];
  const stack: SList[] = [];
  let top: SExpr[] = out;
  let line = 1;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    const tok = m[0];
    const c = tok.charCodeAt(0);
    if (c === 10) line++;
    else if (c === 40 /* ( */) {
      const list: SList = { kind: 'list', items: [], line };
      top.push(list);
      stack.push(list);
      top = list.items;
    } else if (c === 41 /* ) */) {
      if (!stack.length) throw new EpoError('BAD_DATA', `unbalanced ")" in PDDL`, { where: `${where}:${line}` });
      stack.pop();
      top = stack.length ? stack[stack.length - 1].items : out;
    } else if (c !== 32 && c !== 9 && c !== 13 && c !== 59) {
      top.push({ kind: 'atom', value: tok, line });
    }
    if (TOKEN.lastIndex >= text.length) break;
  }
  if (stack.length) throw new EpoError('BAD_DATA', `unclosed "(" opened on line ${stack[stack.length - 1].line}`, { where: `${where}:${stack[stack.length - 1].line}` });
  return out;
}

export const isAtom = (e: SExpr | undefined, value?: string): e is SAtom =>
  e !== undefined && e.kind === 'atom' && (value === undefined || e.value === value);

export const isList = (e: SExpr | undefined): e is SList => e !== undefined && e.kind === 'list';

/** The head keyword of a list, e.g. `and` for `(and …)`, or undefined. */
export const head = (e: SExpr): string | undefined => (e.kind === 'list' && e.items[0]?.kind === 'atom' ? e.items[0].value : undefined);

/** Typed name lists such as `?a - agent ?l - location` or `obj1 obj2 - object`: returns [name, type] pairs. */
export function typedList(items: SExpr[], where: string, defaultType = 'object'): [string, string][] {
  const out: [string, string][] = [];
  let pending: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!isAtom(it)) throw new EpoError('BAD_DATA', 'expected a name in a typed list', { where: `${where}:${it.line}` });
    if (it.value === '-') {
      const t = items[i + 1];
      if (!isAtom(t)) throw new EpoError('BAD_DATA', 'expected a type after "-"', { where: `${where}:${it.line}` });
      // Taken literally, as the original's planner does: in ALFWorld's domain `(?l - location, ?r - receptacle)`
      // gives ?l the type "location," which has no objects, so that branch of examineObject never applies.
      for (const p of pending) out.push([p, t.value]);
      pending = [];
      i++;
    } else pending.push(it.value);
  }
  for (const p of pending) out.push([p, defaultType]);
  return out;
}
