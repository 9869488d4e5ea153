/**
 * The template language of TextWorld's PDDL grammars (its `textgen` EBNF), parsed into symbols:
 *
 *   text            a literal (anything but ; | " < > [ ] # { }), or "quoted"
 *   #rule#          a nonterminal, expanded by the first rule whose condition holds
 *   {expr}          a Python-like expression over the bound entities: `r.name`, `o.indefinite + ' ' + o.name`
 *   {x | query}     the expansion of x once per solution of the query, e.g. `holds(a:agent, o:object)`
 *   [{x | query}]   the same, as an English list ("a, b, and c"; `#list_empty#` when there is none)
 *
 * Tabs between tokens are skipped, and so is whitespace at the start of a line before a token (the original's
 * comment rule), which is why the help text loses its leading newline.
 */
import { EpoError } from '../../../core/errors.js';

export type Sym =
  | { k: 'text'; text: string }
  | { k: 'rule'; name: string }
  | { k: 'cond'; expr: Sym; given?: QuerySpec }
  | { k: 'list'; cond: Sym & { k: 'cond' } }
  | { k: 'eval'; src: string; fn: Expr };

/** A conjunction of predicates over named, typed placeholders; `not_p` reads the negative facts. */
export interface QuerySpec {
  src: string;
  lits: { pred: string; neg: boolean; args: { name: string; type: string }[] }[];
}

export type Value = string | { entity: number } | null;
export type Expr = (lookup: (name: string) => number | undefined, attr: (entity: number, attr: string) => string) => Value;

const LITERAL_STOP = new Set([';', '|', '"', '<', '>', '[', ']', '#', '{', '}']);

/** Parse a template; `where` names the rule for errors. Text after a stray closing bracket is ignored, as the original does. */
export function parseTemplate(src: string, where: string): Sym[] {
  const p = new TemplateParser(src, where);
  return p.symbols();
}

class TemplateParser {
  i = 0;
  constructor(readonly s: string, readonly where: string) {}

  fail(msg: string): never {
    throw new EpoError('BAD_DATA', `${msg} at character ${this.i + 1} of template ${JSON.stringify(this.s.length > 80 ? this.s.slice(0, 77) + '...' : this.s)}`, { where: this.where });
  }

  /** Skip tabs, and whitespace at the start of a line (and `//` line comments there). */
  skip(): void {
    for (;;) {
      const start = this.i;
      while (this.s[this.i] === '\t') this.i++;
      if (this.i === 0 || this.s[this.i - 1] === '\n') {
        if (this.s.startsWith('//', this.i)) {
          while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        } else {
          while (this.i < this.s.length && /\s/.test(this.s[this.i]) && this.s[this.i] !== '\n') this.i++;
          // \s* in the original also crosses newlines: consume whole blank lines.
          while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
        }
        if (this.s[this.i] === '\n') this.i++;
      }
      if (this.i === start) return;
    }
  }

  symbols(): Sym[] {
    const out: Sym[] = [];
    for (;;) {
      this.skip();
      if (this.i >= this.s.length) return out;
      const c = this.s[this.i];
      if (c === '[') out.push(this.list());
      else if (c === '{') out.push(this.cond());
      else if (c === '#') out.push(this.rule());
      else if (c === '"') {
        this.i++;
        const text = this.literal();
        if (this.s[this.i] !== '"') this.fail('unclosed quoted text');
        this.i++;
        out.push({ k: 'text', text });
      } else if (c === '}' || c === ']') return out; // the original stops at a stray closing bracket
      else if (LITERAL_STOP.has(c)) this.fail(`unexpected "${c}"`);
      else out.push({ k: 'text', text: this.literal() });
    }
  }

  literal(): string {
    const start = this.i;
    while (this.i < this.s.length && !LITERAL_STOP.has(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  rule(): Sym {
    this.i++; // #
    const start = this.i;
    while (this.i < this.s.length && /[\w()/!<>\-\s,.]/.test(this.s[this.i])) this.i++;
    if (this.s[this.i] !== '#' || this.i === start) this.fail('unclosed "#rule#" reference');
    const name = this.s.slice(start, this.i);
    this.i++;
    return { k: 'rule', name };
  }

  cond(): Sym & { k: 'cond' } {
    this.i++; // {
    this.skip();
    let expr: Sym;
    if (this.s[this.i] === '#') expr = this.rule();
    else {
      const start = this.i;
      while (this.i < this.s.length && !'|[]{}\n<>'.includes(this.s[this.i])) this.i++;
      const src = this.s.slice(start, this.i);
      if (!src.trim()) this.fail('empty "{…}" expression');
      expr = { k: 'eval', src, fn: compileExpr(src, this.where) };
    }
    let given: QuerySpec | undefined;
    const m = /^\s*\|\s*/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      const start = this.i;
      while (this.i < this.s.length && !';|{}\n[]#'.includes(this.s[this.i])) this.i++;
      given = parseQuery(this.s.slice(start, this.i), this.where);
    }
    this.skip();
    if (this.s[this.i] !== '}') this.fail('unclosed "{"');
    this.i++;
    return { k: 'cond', expr, given };
  }

  list(): Sym {
    this.i++; // [
    this.skip();
    if (this.s[this.i] !== '{') this.fail('a "[…]" list must hold a "{…}" expression');
    const cond = this.cond();
    this.skip();
    if (this.s[this.i] !== ']') this.fail('unclosed "["');
    this.i++;
    return { k: 'list', cond };
  }
}

/** `pred(a:agent, o:object) & not_pred(o:object)`; a placeholder without a type has its name as type. */
export function parseQuery(src: string, where: string): QuerySpec {
  const lits: QuerySpec['lits'] = [];
  for (const part of src.split('&')) {
    const m = /^\s*([\w-]+)\s*\(([^()]*)\)\s*$/.exec(part);
    if (!m) throw new EpoError('BAD_DATA', `malformed condition "${part.trim()}" in "${src.trim()}"`, { where });
    let pred = m[1].toLowerCase();
    let neg = false;
    if (pred.startsWith('not_')) { neg = true; pred = pred.slice(4); }
    const args = m[2].split(',').map((a) => a.trim()).filter(Boolean).map((a) => {
      const [name, type] = a.split(':').map((x) => x.trim());
      if (!name || !/^[\w']+$/.test(name)) throw new EpoError('BAD_DATA', `malformed placeholder "${a}" in "${src.trim()}"`, { where });
      return { name, type: type || name.replace(/'+$/, '') };
    });
    lits.push({ pred, neg, args });
  }
  return { src: src.trim(), lits };
}

// ---- expressions: identifiers, attribute access, 'strings', +, or, and, parentheses ----

type Tok = { t: 'id' | 'str' | 'op'; v: string };

function tokenize(src: string, where: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /\w/.test(src[j])) j++;
      toks.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else if (c === "'" || c === '"') {
      const j = src.indexOf(c, i + 1);
      if (j < 0) throw new EpoError('BAD_DATA', `unclosed string in expression "${src}"`, { where });
      toks.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if ('.+()'.includes(c)) { toks.push({ t: 'op', v: c }); i++; }
    else throw new EpoError('BAD_DATA', `unsupported character "${c}" in expression "${src}"`, { where });
  }
  return toks;
}

const truthy = (v: Value) => v !== null && v !== '';

export function compileExpr(src: string, where: string): Expr {
  const toks = tokenize(src, where);
  let i = 0;
  const peek = () => toks[i];
  const fail = (msg: string): never => { throw new EpoError('BAD_DATA', `${msg} in expression "${src.trim()}"`, { where }); };
  const orE = (): Expr => {
    let left = andE();
    while (peek()?.t === 'id' && peek().v === 'or') {
      i++;
      const l = left, r = andE();
      left = (lk, at) => { const v = l(lk, at); return truthy(v) ? v : r(lk, at); };
    }
    return left;
  };
  const andE = (): Expr => {
    let left = addE();
    while (peek()?.t === 'id' && peek().v === 'and') {
      i++;
      const l = left, r = addE();
      left = (lk, at) => { const v = l(lk, at); return truthy(v) ? r(lk, at) : v; };
    }
    return left;
  };
  const addE = (): Expr => {
    let left = postfix();
    while (peek()?.t === 'op' && peek().v === '+') {
      i++;
      const l = left, r = postfix();
      left = (lk, at) => {
        const a = l(lk, at), b = r(lk, at);
        if (typeof a !== 'string' || typeof b !== 'string') throw new EpoError('BAD_DATA', `"+" needs two strings in expression "${src.trim()}"`, { where });
        return a + b;
      };
    }
    return left;
  };
  const postfix = (): Expr => {
    let e = primary();
    while (peek()?.t === 'op' && peek().v === '.') {
      i++;
      const name = toks[i++];
      if (!name || name.t !== 'id') fail('expected an attribute name after "."');
      const base = e, attr = name.v;
      e = (lk, at) => {
        const v = base(lk, at);
        if (v === null || typeof v !== 'object') throw new EpoError('BAD_DATA', `".${attr}" applied to a non-entity in expression "${src.trim()}"`, { where });
        return at(v.entity, attr);
      };
    }
    return e;
  };
  const primary = (): Expr => {
    const t = toks[i++];
    if (!t) return fail('unexpected end');
    if (t.t === 'str') { const s = t.v; return () => s; }
    if (t.t === 'op' && t.v === '(') {
      const e = orE();
      if (toks[i++]?.v !== ')') fail('expected ")"');
      return e;
    }
    if (t.t === 'id') {
      if (t.v === 'None') return () => null;
      const name = t.v;
      return (lk) => {
        const o = lk(name);
        if (o === undefined) throw new EpoError('BAD_DATA', `"${name}" is not bound in expression "${src.trim()}"`, { where });
        return { entity: o };
      };
    }
    return fail(`unexpected "${t.v}"`);
  };
  const e = orE();
  if (i !== toks.length) fail(`unexpected "${toks[i].v}"`);
  return e;
}
