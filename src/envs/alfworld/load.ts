/**
 * Loading `game.tw-pddl` files (JSON holding the PDDL domain, the PDDL problem, the text grammar and an expert
 * walkthrough). Parsed domains and grammars are cached by their text, since every game of a release shares the
 * domain and all but one line of the grammar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { AlfworldGame } from './game.js';
import { parseGrammarDoc, type GrammarDoc } from './grammar/document.js';
import { parseTemplate } from './grammar/template.js';
import type { Domain } from './pddl/ast.js';
import { parseDomain, parseProblem } from './pddl/parse.js';

export interface GameData {
  pddl_domain: string;
  pddl_problem: string;
  grammar: string;
  walkthrough?: string[];
  solvable?: boolean;
}

const domainCache = new Map<string, Domain>();
const grammarCache = new Map<string, GrammarDoc>();
const CACHE_LIMIT = 64;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, v);
  }
  return v;
}

export function readGameData(path: string): GameData {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new EpoError('MISSING_DATA', `cannot read game file: ${(e as Error).message}`, { where: path, cause: e });
  }
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) {
    throw new EpoError('BAD_DATA', `game file is not valid JSON: ${(e as Error).message}`, { where: path });
  }
  return checkGameData(data, path);
}

export function checkGameData(data: unknown, where: string): GameData {
  const d = data as Record<string, unknown>;
  if (!d || typeof d !== 'object') throw new EpoError('BAD_DATA', 'a game file must be a JSON object', { where });
  for (const k of ['pddl_domain', 'pddl_problem', 'grammar']) {
    if (typeof d[k] !== 'string') throw new EpoError('BAD_DATA', `missing or non-string field "${k}"`, { where: `${where} (${k})` });
  }
  if (d.walkthrough !== undefined && (!Array.isArray(d.walkthrough) || d.walkthrough.some((x) => typeof x !== 'string'))) {
    throw new EpoError('BAD_DATA', '"walkthrough" must be a list of commands', { where: `${where} (walkthrough)` });
  }
  return d as unknown as GameData;
}

/** The "task" rule's text is the only part of the grammar that differs between games of a release. */
const TASK_RULE = /("task"\s*:\s*\[\s*\{\s*"rhs"\s*:\s*)("(?:[^"\\]|\\.)*")(?=\s*\}\s*\])/;

function grammarOf(text: string, where: string): GrammarDoc {
  const m = TASK_RULE.exec(text);
  if (!m) return cached(grammarCache, text, () => parseGrammarDoc(text, where));
  const masked = text.slice(0, m.index) + m[1] + '"@TASK@"' + text.slice(m.index + m[0].length);
  const shared = cached(grammarCache, masked, () => parseGrammarDoc(masked, where));
  const rhs = JSON.parse(m[2]) as string;
  const rules = new Map(shared.rules);
  rules.set('task', [{ rhs: parseTemplate(rhs, `${where} (rule "task")`), src: rhs }]);
  return { rules, actions: shared.actions };
}

/** A replacement domain + grammar (e.g. `logic-epo/`: the older release's `put X in/on Y` wording). */
export interface Logic { domain: string; grammar: string; where: string }

/** Read `alfred.pddl` and `alfred.twl2` from a logic folder. */
export function readLogic(dir: string): Logic {
  const read = (f: string) => {
    try { return readFileSync(join(dir, f), 'utf8'); } catch (e) {
      throw new EpoError('MISSING_DATA', `cannot read ${f}: ${(e as Error).message}`, { where: join(dir, f) });
    }
  };
  return { domain: read('alfred.pddl'), grammar: read('alfred.twl2'), where: dir };
}

/**
 * The game's data with its domain and grammar replaced by `logic`, keeping the game's task sentence (the logic
 * grammar holds "UNKNOWN GOAL" where ALFWorld puts the task, as its own environment does when it builds games).
 */
export function withLogic(data: GameData, logic: Logic, where: string): GameData {
  const m = TASK_RULE.exec(data.grammar);
  const sentence = m ? (JSON.parse(m[2]) as string) : undefined;
  const goal = sentence?.replace(/^Your task is to: /, '').replace(/\.$/, '');
  if (!goal) throw new EpoError('BAD_DATA', 'the game grammar has no "task" rule to carry over', { where: `${where} (grammar)` });
  return { ...data, pddl_domain: logic.domain, grammar: logic.grammar.replace('UNKNOWN GOAL', goal) };
}

/** Build a game from parsed file contents; `where` names the file in errors. */
export function gameFromData(data: GameData, where: string): AlfworldGame {
  const domain = cached(domainCache, data.pddl_domain, () => parseDomain(data.pddl_domain, `${where} (pddl_domain)`));
  const grammar = grammarOf(data.grammar, `${where} (grammar)`);
  const problem = parseProblem(data.pddl_problem, `${where} (pddl_problem)`);
  return new AlfworldGame(domain, problem, grammar, where);
}

export function loadGame(path: string, logic?: Logic): { game: AlfworldGame; data: GameData } {
  const data = readGameData(path);
  return { game: gameFromData(logic ? withLogic(data, logic, path) : data, path), data };
}
