/**
 * The game's text-grammar document (`alfred.twl2`, the `grammar` field of a game file): a global rule block
 * `grammar :: """{json}""";` and one `action Name { template :: "…"; feedback :: "…"; grammar :: """{json}"""; }`
 * per PDDL action. Rule blocks are merged in document order (a later block replaces rules of the same name). Every
 * template and rule is parsed once here; errors name the file, line and construct.
 */
import { EpoError } from '../../../core/errors.js';
import { parseQuery, parseTemplate, type QuerySpec, type Sym } from './template.js';

export interface GrammarRule { condition?: QuerySpec; rhs: Sym[]; src: string }

export interface ActionText {
  name: string;
  template: string;
  templateSyms: Sym[];
  feedback: Sym[];
  line: number;
}

export interface GrammarDoc {
  rules: Map<string, GrammarRule[]>;
  /** Keyed by lower-cased action name. */
  actions: Map<string, ActionText>;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  let indent: string | undefined;
  for (const l of lines) {
    if (!l.trim()) continue;
    const m = /^[ \t]*/.exec(l)![0];
    if (indent === undefined) indent = m;
    else { let k = 0; while (k < indent.length && k < m.length && indent[k] === m[k]) k++; indent = indent.slice(0, k); }
  }
  if (!indent) return lines.map((l) => (l.trim() ? l : l.replace(/^[ \t]+$/, ''))).join('\n');
  return lines.map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l.trim() ? l : '')).join('\n');
}

class DocReader {
  i = 0;
  line = 1;
  constructor(readonly s: string, readonly where: string) {}
  at(line = this.line) { return `${this.where}:${line}`; }
  fail(msg: string, line = this.line): never { throw new EpoError('BAD_DATA', msg, { where: this.at(line) }); }
  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\n') { this.line++; this.i++; }
      else if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '#' || this.s.startsWith('//', this.i)) { while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++; }
      else break;
    }
  }
  eof() { this.ws(); return this.i >= this.s.length; }
  word(): string {
    this.ws();
    const m = /^[A-Za-z_][\w-]*/.exec(this.s.slice(this.i, this.i + 200));
    if (!m) this.fail(`expected a name, found ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
    this.i += m[0].length;
    return m[0];
  }
  expect(tok: string): void {
    this.ws();
    if (!this.s.startsWith(tok, this.i)) this.fail(`expected "${tok}", found ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
    this.i += tok.length;
  }
  peek(tok: string) { this.ws(); return this.s.startsWith(tok, this.i); }
  /** A "…" or """…""" string; returns its raw content and starting line. */
  str(): { text: string; line: number; block: boolean } {
    this.ws();
    const line = this.line;
    const block = this.s.startsWith('"""', this.i);
    const q = block ? '"""' : '"';
    if (!this.s.startsWith(q, this.i)) this.fail(`expected a quoted string, found ${JSON.stringify(this.s.slice(this.i, this.i + 20))}`);
    const end = this.s.indexOf(q, this.i + q.length);
    if (end < 0) this.fail(`unclosed string opened here`, line);
    const text = this.s.slice(this.i + q.length, end);
    for (const c of text) if (c === '\n') this.line++;
    this.i = end + q.length;
    return { text, line, block };
  }
}

function parseRuleBlock(text: string, line: number, where: string, dropHashLines: boolean, into: Map<string, GrammarRule[]>): void {
  let body = dedent(text);
  if (dropHashLines) body = body.split('\n').map((l) => (l.trimStart().startsWith('#') ? '' : l)).join('\n');
  let data: unknown;
  try { data = JSON.parse(body); } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    const extra = pos ? body.slice(0, Number(pos[1])).split('\n').length - 1 : 0;
    throw new EpoError('BAD_DATA', `invalid JSON in grammar block: ${(e as Error).message}`, { where: `${where}:${line + extra}` });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new EpoError('BAD_DATA', 'a grammar block must be a JSON object of rules', { where: `${where}:${line}` });
  for (const [name, alts] of Object.entries(data as Record<string, unknown>)) {
    if (!Array.isArray(alts)) throw new EpoError('BAD_DATA', `grammar rule "${name}" must be a list of alternatives`, { where: `${where}:${line}` });
    into.set(name, alts.map((alt, k) => {
      const a = alt as { rhs?: unknown; condition?: unknown };
      const rw = `${where}:${line} (rule "${name}", alternative ${k + 1})`;
      if (typeof a?.rhs !== 'string') throw new EpoError('BAD_DATA', `grammar rule "${name}" has an alternative without a string "rhs"`, { where: rw });
      const cond = typeof a.condition === 'string' && a.condition.trim() ? parseQuery(a.condition, rw) : undefined;
      return { rhs: parseTemplate(a.rhs, rw), condition: cond, src: a.rhs };
    }));
  }
}

export function parseGrammarDoc(text: string, where: string): GrammarDoc {
  const r = new DocReader(text, where);
  const rules = new Map<string, GrammarRule[]>();
  const actions = new Map<string, ActionText>();
  while (!r.eof()) {
    const startLine = r.line;
    const kw = r.word();
    if (kw === 'grammar') {
      r.expect('::');
      const s = r.str();
      r.expect(';');
      parseRuleBlock(s.text, s.line, where, false, rules);
    } else if (kw === 'action') {
      const name = r.word();
      r.expect('{');
      let template: string | undefined, feedback: { text: string; line: number } | undefined;
      while (!r.peek('}')) {
        const fieldLine = r.line;
        const field = r.word();
        r.expect('::');
        const s = r.str();
        r.expect(';');
        if (field === 'template') template = s.text;
        else if (field === 'feedback') feedback = s;
        else if (field === 'grammar') parseRuleBlock(s.text, s.line, where, true, rules);
        else if (field === 'pddl') continue;
        else r.fail(`unknown field "${field}" in action "${name}"`, fieldLine);
      }
      r.expect('}');
      if (template === undefined) return r.fail(`action "${name}" has no template`, startLine);
      if (feedback === undefined) return r.fail(`action "${name}" has no feedback`, startLine);
      const aw = `${where}:${startLine} (action "${name}")`;
      actions.set(name.toLowerCase(), {
        name, template, line: startLine,
        templateSyms: parseTemplate(template, aw),
        feedback: parseTemplate(feedback.text, `${where}:${feedback.line} (feedback of action "${name}")`),
      });
    } else r.fail(`expected "grammar ::" or "action <name> {", found "${kw}"`, startLine);
  }
  return { rules, actions };
}
