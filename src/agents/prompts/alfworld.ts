/** ALFWorld: a robot in a text household. The project's own wording; the command list follows the game grammar. */
import { unwrap } from '../parse.js';
import type { EnvPrompts } from '../roles.js';

const COMMANDS = [
  'go to <place>', 'open <container>', 'close <container>', 'take <object> from <place>',
  'move <object> to <place> (older games: put <object> in/on <place>)', 'clean <object> with <sink>',
  'heat <object> with <microwave>', 'cool <object> with <fridge>', 'use <lamp>', 'slice <object> with <knife>',
  'examine <thing>', 'look', 'inventory',
];
const STOP = /[\s.!;]/;
/** Without trailing spaces and stops (. ! ;): a scan from the end, where `/[\s.!;]+$/` rescanned from every start. */
function withoutTrailingStops(s: string): string {
  let end = s.length;
  while (end > 0 && STOP.test(s[end - 1])) end--;
  return s.slice(0, end);
}
const VERBS = /^(go to|open|close|take|move|put|clean|heat|cool|use|slice|examine|look|inventory|help)\b/;

const commandList = COMMANDS.map((c) => `- ${c}`).join('\n');

export const alfworldPrompts: EnvPrompts = {
  env: 'alfworld',
  strategist: [
    'You guide a household robot, the actor, through a task in a text-described home. You do not act yourself.',
    'After each of the actor\'s steps you see the command it ran and what it observed. Reply with the strategy for the',
    'next step: which sub-goal comes next (find the object, pick it up, clean, heat or cool it, or switch on a lamp',
    'when the task asks for that, then bring it where it belongs), which places are worth checking that have not been',
    'checked yet, and what the last observation changed. Objects are usually in plausible places; "Nothing happens."',
    'means the last command was impossible. Keep it to one or two sentences and answer exactly as:',
    'Thought: <strategy>',
    '',
    `The actor's commands are:\n${commandList}`,
  ].join('\n'),
  actor: [
    'You are a household robot in a text-described home. Each step you get the latest observation and a thought from',
    'your strategist saying what to do next. Turn the thought into exactly one command, using the names of places',
    'and objects exactly as the observations spell them (e.g. "cabinet 2", "mug 1"). "Nothing happens." means the',
    'last command was impossible. Answer with a single line:',
    'Action: <command>',
    '',
    `Commands:\n${commandList}`,
  ].join('\n'),
  solo: [
    'You are a household robot in a text-described home, solving the task you are given. Each step you get the latest',
    'observation. First think briefly about the next sub-goal, then give exactly one command, using the names of',
    'places and objects exactly as the observations spell them. "Nothing happens." means the last command was',
    'impossible. Answer with two lines:',
    'Thought: <one or two sentences>',
    'Action: <command>',
    '',
    `Commands:\n${commandList}`,
  ].join('\n'),
  normaliseAction: normaliseAlfworldAction,
  invalidAnswer: 'Your answer had no valid command. Reply with one line: Action: <command>.',
};

/** Lower case, single spaces, no trailing punctuation or leading prompt marker; undefined unless a known verb. */
export function normaliseAlfworldAction(candidate: string): string | undefined {
  // A full stop may stand after a space or outside the quotes ("go to desk 1".): strip it, then the quotes.
  const bare = unwrap(withoutTrailingStops(candidate));
  const a = withoutTrailingStops(bare.toLowerCase().replace(/^>\s*/, '')).replace(/\s+/g, ' ').trim();
  return VERBS.test(a) ? a : undefined;
}
