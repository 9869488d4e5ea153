/**
 * The engine on a small hand-written game: parsers, renaming, the template language's list rendering, negative
 * facts, conditional rules, no-op pruning, the goal, and errors that point at the file, line and construct.
 */
import { describe, expect, it } from 'vitest';
import { isEpoError } from '../../core/errors.js';
import { parseGrammarDoc } from './grammar/document.js';
import { parseTemplate } from './grammar/template.js';
import { gameFromData, type GameData } from './load.js';
import { demangle } from './names.js';
import { parseDomain, parseProblem } from './pddl/parse.js';

const DOMAIN = `
(define (domain mini)
 (:requirements :adl :typing)
 (:types agent location receptacle object)
 (:predicates
    (atLocation ?a - agent ?l - location)
    (receptacleAtLocation ?r - receptacle ?l - location)
    (inReceptacle ?o - object ?r - receptacle)
    (openable ?r - receptacle)
    (opened ?r - receptacle)
    (holds ?a - agent ?o - object)
    (holdsAny ?a - agent)
    (checked ?l - location))
 (:action GotoLocation
    :parameters (?a - agent ?lStart - location ?lEnd - location ?r - receptacle)
    :precondition (and (atLocation ?a ?lStart) (receptacleAtLocation ?r ?lEnd))
    :effect (and (not (atLocation ?a ?lStart)) (atLocation ?a ?lEnd) (increase (total-cost) 1)))
 (:action OpenObject
    :parameters (?a - agent ?l - location ?r - receptacle)
    :precondition (and (openable ?r) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (not (opened ?r)))
    :effect (opened ?r))
 (:action PickupObject
    :parameters (?a - agent ?l - location ?o - object ?r - receptacle)
    :precondition (and (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (inReceptacle ?o ?r) (not (holdsAny ?a))
                       (or (not (openable ?r)) (opened ?r)))
    :effect (and (not (inReceptacle ?o ?r)) (holds ?a ?o) (holdsAny ?a)))
 (:action PutObject
    :parameters (?a - agent ?l - location ?o - object ?r - receptacle)
    :precondition (and (holds ?a ?o) (atLocation ?a ?l) (receptacleAtLocation ?r ?l) (or (not (openable ?r)) (opened ?r)))
    :effect (and (inReceptacle ?o ?r) (not (holds ?a ?o)) (not (holdsAny ?a))))
 (:action look
    :parameters (?a - agent ?l - location)
    :precondition (atLocation ?a ?l)
    :effect (and (checked ?l)))
)`;

const PROBLEM = `
(define (problem p1) (:domain mini)
 (:objects agent1 - agent
   loc_bar_0 loc_bar_1 loc_bar_2 - location
   Drawer_bar__plus_01 Shelf_bar__minus_02 Shelf_bar__plus_03 - receptacle
   Apple_bar_1 Apple_bar_2 Mug_bar_9 - object)
 (:init
   (atLocation agent1 loc_bar_0)
   (receptacleAtLocation Drawer_bar__plus_01 loc_bar_1)
   (receptacleAtLocation Shelf_bar__minus_02 loc_bar_2)
   (receptacleAtLocation Shelf_bar__plus_03 loc_bar_2)
   (openable Drawer_bar__plus_01)
   (inReceptacle Mug_bar_9 Drawer_bar__plus_01)
   (inReceptacle Apple_bar_2 Shelf_bar__minus_02)
   (inReceptacle Apple_bar_1 Shelf_bar__minus_02))
 (:goal (exists (?o - object) (and (inReceptacle ?o Drawer_bar__plus_01) (not (= ?o Mug_bar_9))))))`;

const RULES = JSON.stringify({
  intro: [{ rhs: '-= Welcome =-\n\n#look.feedback#\n\n#task#' }],
  task: [{ rhs: 'Your task is to: put an apple in the drawer.' }],
  'GotoLocation.feedback': [{ rhs: 'You arrive at {r.name}. #examine#' }],
  examine: [
    { condition: 'openable(r:receptacle) & opened(r:receptacle)', rhs: 'The {r.name} is open. In it, you see [{o.indefinite + \' \' + o.name | inreceptacle(o:object, r:receptacle)}].' },
    { condition: 'openable(r:receptacle)', rhs: 'The {r.name} is closed.' },
    { rhs: 'On the {r.name}, you see [{o.indefinite + \' \' + o.name | inreceptacle(o:object, r:receptacle)}].' },
  ],
  'look.feedback': [
    { condition: 'atlocation(a:agent, l:location) & receptacleatlocation(r:receptacle, l:location)', rhs: 'You are facing the [{r.name | atlocation(a:agent, l:location) & receptacleatlocation(r:receptacle, l:location)}]. Next to it, you see #floor#.' },
    { rhs: 'You are in the middle of a room. Looking quickly around you, you see [{#overview(r)# | receptacleatlocation(r:receptacle, l:location)}].' },
  ],
  floor: [
    { condition: 'atlocation(a:agent, l:location) & receptacleatlocation(r:receptacle, l:location) & not_inreceptacle(o:object, r:receptacle)', rhs: '[{o.name | atlocation(a:agent, l:location) & receptacleatlocation(r:receptacle, l:location) & not_inreceptacle(o:object, r:receptacle)}]' },
    { rhs: 'nothing' },
  ],
  'overview(r)': [{ rhs: '{r.indefinite} {r.name or r.id}' }],
  list_empty: [{ rhs: 'nothing' }],
  list_separator: [{ rhs: ', ' }],
  list_last_separator: [{ rhs: ', and ' }],
}, null, 2);

const GRAMMAR = `grammar :: """
${RULES}
""";

action GotoLocation {
    template :: "go to [{r.name | receptacleatlocation(r:receptacle, lend:location)}]";
    feedback :: "#GotoLocation.feedback#";
}

action OpenObject {
    template :: "open {r}";
    feedback :: "You open the {r.name}. #examine#";
}

action PickupObject {
    template :: "take {o} from {r}";
    feedback :: "You pick up the {o.name} from the {r.name}.";
}

action PutObject {
    template :: "move {o} to {r}";
    feedback :: "You move the {o.name} to the {r.name}.";
}

action look {
    template :: "look";
    feedback :: "#look.feedback#";
}
`;

const data = (over: Partial<GameData> = {}): GameData => ({ pddl_domain: DOMAIN, pddl_problem: PROBLEM, grammar: GRAMMAR, walkthrough: [], ...over });

describe('renaming object ids', () => {
  it('numbers each kind from the highest down in sorted id order, joins basins, keeps plain ids with a space', () => {
    const names = demangle(['cabinet_bar__plus_00_dot_95', 'cabinet_bar__minus_01_dot_00', 'sink_bar__plus_01_bar_sinkbasin', 'agent1', 'loc_bar_3_bar_1']);
    expect(names.get('cabinet_bar__minus_01_dot_00')).toBe('cabinet 2');
    expect(names.get('cabinet_bar__plus_00_dot_95')).toBe('cabinet 1');
    expect(names.get('sink_bar__plus_01_bar_sinkbasin')).toBe('sinkbasin 1');
    expect(names.get('agent1')).toBe('agent1 ');
    expect(names.get('loc_bar_3_bar_1')).toBe('loc 1');
  });
});

describe('a small game', () => {
  it('renders the welcome text with receptacles in id order and lists joined in English', () => {
    const g = gameFromData(data(), 'mini.tw-pddl');
    expect(g.reset()).toBe('-= Welcome =-\n\nYou are in the middle of a room. Looking quickly around you, you see a drawer 1, a shelf 2, and a shelf 1.\n\nYour task is to: put an apple in the drawer.');
    expect(g.admissible()).toEqual(['go to drawer 1', 'go to shelf 1', 'go to shelf 2', 'look']);
  });

  it('plays: closed and opened receptacles, taking, placing, the goal, and invalid commands', () => {
    const g = gameFromData(data(), 'mini.tw-pddl');
    g.reset();
    expect(g.step('go to shelf 2').feedback).toBe('You arrive at shelf 2. On the shelf 2, you see a apple 2, and a apple 1.');
    // The other shelf stands at the same place: going there is a no-op, so it is not admissible.
    expect(g.admissible()).not.toContain('go to shelf 1');
    expect(g.admissible()).not.toContain('go to shelf 2');
    expect(g.step('go to shelf 1')).toEqual({ feedback: 'Nothing happens.', valid: false, won: false });
    expect(g.step('look').feedback).toBe('You are facing the shelf 2, and shelf 1. Next to it, you see nothing.');
    expect(g.step('take apple 1 from shelf 2').feedback).toBe('You pick up the apple 1 from the shelf 2.');
    // The apple left shelf 2 (a negative fact) and lands on shelf 1 at the same place: it is now "next to" shelf 2.
    expect(g.step('put apple 1 in/on shelf 1').feedback).toBe('You move the apple 1 to the shelf 1.');
    expect(g.step('look').feedback).toBe('You are facing the shelf 2, and shelf 1. Next to it, you see apple 1.');
    expect(g.step('  take apple 2 from shelf 2 ').feedback).toBe('You pick up the apple 2 from the shelf 2.');
    expect(g.step('go to drawer 1').feedback).toBe('You arrive at drawer 1. The drawer 1 is closed.');
    expect(g.step('move apple 2 to drawer 1').feedback).toBe('Nothing happens.');
    expect(g.step('open drawer 1').feedback).toBe('You open the drawer 1. The drawer 1 is open. In it, you see a mug 1.');
    const last = g.step('move apple 2 to drawer 1');
    expect(last).toEqual({ feedback: 'You move the apple 2 to the drawer 1.', valid: true, won: true, action: 'putobject' });
    // Reset undoes everything, including negative facts.
    expect(g.reset()).toContain('a drawer 1, a shelf 2, and a shelf 1.');
    expect(g.step('go to shelf 1').feedback).toBe('You arrive at shelf 1. On the shelf 1, you see nothing.');
    expect(g.isWon()).toBe(false);
  });

  it('never crashes on arbitrary input', () => {
    const g = gameFromData(data(), 'mini.tw-pddl');
    g.reset();
    for (const s of ['', ' ', '\n', 'go to', 'go to  shelf 1', 'take {o} from {r}', '#intro#', '[{x}]', 'put  in/on ', '\u0000\uffff', 'x'.repeat(10000)]) {
      expect(g.step(s).feedback).toBe('Nothing happens.');
    }
  });
});

describe('errors name the file, line and construct', () => {
  const fails = (f: () => unknown, ...parts: string[]) => {
    try { f(); } catch (e) {
      expect(isEpoError(e, 'BAD_DATA')).toBe(true);
      for (const p of parts) expect((e as Error).message).toContain(p);
      return;
    }
    throw new Error('expected an error');
  };

  it('PDDL', () => {
    fails(() => parseDomain('(define (domain d)\n (:action a\n  :parameters (?x - object)\n  :precondition (forall (?y) (p ?y))))', 'd.pddl'), 'forall', 'd.pddl:4');
    fails(() => parseDomain('(define (domain d)\n (:predicates (p ?x)\n', 'd.pddl'), 'unclosed "("', 'd.pddl:2');
    fails(() => parseProblem('(define (problem p) (:domain d)\n (:objects a - object)\n (:init (p a)))', 'p.pddl'), 'no :goal');
    fails(() => gameFromData(data({ pddl_problem: PROBLEM.replace('(openable Drawer_bar__plus_01)', '(openable Nowhere_bar_1)') }), 'g.tw-pddl'), 'unknown object "nowhere_bar_1"', 'g.tw-pddl');
  });

  it('grammar documents and templates', () => {
    fails(() => parseGrammarDoc('grammar :: """\n{ "a": [ {"rhs": "x"} ], }\n""";', 'g.twl2'), 'invalid JSON', 'g.twl2:');
    fails(() => parseGrammarDoc('action X {\n template :: "x";\n}\n', 'g.twl2'), 'has no feedback', 'g.twl2:1');
    fails(() => parseGrammarDoc('grammar :: """{}""";\naction X {\n  template :: "x";\n  feedback :: "y";\n  colour :: "z";\n}', 'g.twl2'), 'unknown field "colour"', 'g.twl2:5');
    fails(() => parseTemplate('You see {o.name', 'rule "r"'), 'unclosed "{"', 'rule "r"');
    fails(() => parseTemplate('[{o.name | holds(a:agent, o:object}]', 'rule "r"'), 'malformed condition');
    fails(() => parseTemplate('{o.name - 1}', 'rule "r"'), 'unsupported character "-"');
  });

  it('a game whose grammar lacks an action template', () => {
    fails(() => gameFromData(data({ grammar: GRAMMAR.replace(/action look \{[^}]*\}/, '') }), 'g.tw-pddl'), 'no template for action "look"');
  });
});
