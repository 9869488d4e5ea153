import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../core/messages.js';
import { closestCommand } from '../agents/rule-actor.js';
import { formatThought, parseTask, readChat, teacherStep } from './teacher.js';

const pickFirst = <T>(xs: T[]) => xs[0];
const start = (places: string, task: string): ChatMessage => ({ role: 'user', content: `Task:\nYou are in the middle of a room. Looking quickly around you, you see ${places}.\nYour task is to: ${task}` });
/** The chat after the actor's commands and the observations they got (the strategist's own turns do not matter). */
const chatOf = (first: ChatMessage, steps: [string, string][]): ChatMessage[] =>
  [first, ...steps.flatMap(([a, o]): ChatMessage[] => [{ role: 'assistant', content: 'Thought: x' }, { role: 'user', content: `Actor's action: ${a}\nObservation: ${o}` }])];

describe('demo teacher: task sentences', () => {
  it('reads every phrasing of the put, clean/heat/cool and look task types', () => {
    expect(parseTask('put some alarmclock on desk.')).toEqual({ object: 'alarmclock', target: 'desk' });
    expect(parseTask('put a mug in cabinet.')).toEqual({ object: 'mug', target: 'cabinet' });
    expect(parseTask('clean some butterknife and put it in drawer.')).toEqual({ object: 'butterknife', target: 'drawer', treat: 'clean' });
    expect(parseTask('put a clean butterknife in drawer.')).toEqual({ object: 'butterknife', target: 'drawer', treat: 'clean' });
    expect(parseTask('put a hot mug in cabinet.')).toEqual({ object: 'mug', target: 'cabinet', treat: 'heat' });
    expect(parseTask('cool some mug and put it in coffeemachine.')).toEqual({ object: 'mug', target: 'coffeemachine', treat: 'cool' });
    expect(parseTask('examine the cd with the desklamp.')).toEqual({ object: 'cd', lamp: 'desklamp' });
    expect(parseTask('look at pillow under the floorlamp.')).toEqual({ object: 'pillow', lamp: 'floorlamp' });
    expect(parseTask('find two book and put them in desk.')).toBeUndefined();
  });
});

describe('demo teacher: the clean sub-goals', () => {
  const first = start('a cabinet 1, a drawer 2, a drawer 1, and a sinkbasin 1', 'clean some butterknife and put it in drawer.');
  const seen: [string, string] = ['go to cabinet 1', 'You arrive at cabinet 1. The cabinet 1 is open. In it, you see a butterknife 1.'];
  const taken: [string, string] = ['take butterknife 1 from cabinet 1', 'You pick up the butterknife 1 from the cabinet 1.'];
  const atSink: [string, string] = ['go to sinkbasin 1', 'You arrive at sinkbasin 1. On the sinkbasin 1, you see nothing.'];
  const cleaned: [string, string] = ['clean butterknife 1 with sinkbasin 1', 'You clean the butterknife 1 using the sinkbasin 1.'];
  const atTarget: [string, string] = ['go to drawer 1', 'You arrive at drawer 1. The drawer 1 is open. In it, you see nothing.'];
  const step = (steps: [string, string][]) => teacherStep(readChat(chatOf(first, steps))!, pickFirst);

  it('finds and takes the object, goes to the sinkbasin, cleans it there, then carries it to the target', () => {
    expect(step([])).toEqual({ thought: 'find the butterknife', command: 'go to a new place' });
    expect(step([seen])).toEqual({ thought: 'the butterknife is here', command: 'take it' });
    expect(step([seen, taken])).toEqual({ thought: 'clean it first', command: 'go to the sinkbasin' });
    expect(step([seen, taken, atSink])).toEqual({ thought: 'at the sinkbasin', command: 'clean it with the sinkbasin' });
    expect(readChat(chatOf(first, [seen, taken, atSink, cleaned]))!.treated).toBe(true);
    expect(step([seen, taken, atSink, cleaned])).toEqual({ thought: 'got it', command: 'now go to the target' });
    expect(step([seen, taken, atSink, cleaned, atTarget])).toEqual({ thought: 'at the target', command: 'move it to the target' });
  });

  it('does not count a failed clean (nothing happens) as done', () => {
    expect(step([seen, taken, atSink, ['clean butterknife 1 with sinkbasin 1', 'Nothing happens.']]).command).toBe('clean it with the sinkbasin');
  });

  it('heats at the microwave and cools at the fridge', () => {
    const heat = start('a cabinet 1, a microwave 1, and a shelf 1', 'put a hot mug in cabinet.');
    const steps: [string, string][] = [['go to shelf 1', 'You arrive at shelf 1. On the shelf 1, you see a mug 1.'], ['take mug 1 from shelf 1', 'You pick up the mug 1 from the shelf 1.']];
    expect(teacherStep(readChat(chatOf(heat, steps))!, pickFirst)).toEqual({ thought: 'heat it first', command: 'go to the microwave' });
    const cool = start('a cabinet 1, a fridge 1, and a shelf 1', 'cool some mug and put it in cabinet.');
    const s = readChat(chatOf(cool, [...steps, ['go to fridge 1', 'You arrive at fridge 1. The fridge 1 is open. In it, you see nothing.']]))!;
    expect(teacherStep(s, pickFirst)).toEqual({ thought: 'at the fridge', command: 'cool it with the fridge' });
  });

  it('says it in words the rule actor grounds in the right command', () => {
    const task = 'clean some butterknife and put it in drawer.';
    const away = ['go to cabinet 1', 'go to drawer 1', 'go to drawer 2', 'go to sinkbasin 1', 'inventory', 'look', 'move butterknife 1 to cabinet 1'];
    expect(closestCommand(formatThought({ thought: 'clean it first', command: 'go to the sinkbasin' }).slice(9), away, task)).toBe('go to sinkbasin 1');
    const atSinkCmds = ['clean butterknife 1 with sinkbasin 1', 'go to cabinet 1', 'go to drawer 1', 'inventory', 'look', 'move butterknife 1 to sinkbasin 1'];
    expect(closestCommand('at the sinkbasin; clean it with the sinkbasin.', atSinkCmds, task)).toBe('clean butterknife 1 with sinkbasin 1');
  });
});

describe('demo teacher: the look sub-goals', () => {
  const first = start('a bed 1, a dresser 2, a dresser 1, and a shelf 1', 'examine the cd with the desklamp.');
  const seenBoth: [string, string] = ['go to dresser 2', 'You arrive at dresser 2. On the dresser 2, you see a cd 1, and a desklamp 1.'];
  const lampOnly: [string, string] = ['go to dresser 1', 'You arrive at dresser 1. On the dresser 1, you see a desklamp 1.'];
  const cdOnly: [string, string] = ['go to shelf 1', 'You arrive at shelf 1. On the shelf 1, you see a cd 1.'];
  const takeAt = (p: string): [string, string] => [`take cd 1 from ${p}`, `You pick up the cd 1 from the ${p}.`];
  const step = (steps: [string, string][]) => teacherStep(readChat(chatOf(first, steps))!, pickFirst);

  it('takes the object, then looks for the lamp and uses it', () => {
    expect(step([cdOnly, takeAt('shelf 1')])).toEqual({ thought: 'find the desklamp', command: 'go to a new place' });
    expect(step([cdOnly, takeAt('shelf 1'), lampOnly])).toEqual({ thought: 'the desklamp is here', command: 'use the desklamp' });
  });

  it('remembers where it saw the lamp before it had the object', () => {
    expect(readChat(chatOf(first, [lampOnly, cdOnly]))).toMatchObject({ lampAt: 'dresser 1', seen: { place: 'shelf 1', item: 'cd 1' } });
    expect(step([lampOnly, cdOnly])).toEqual({ thought: 'the cd is here', command: 'take it' });
    expect(step([lampOnly, cdOnly, takeAt('shelf 1')])).toEqual({ thought: 'the desklamp was at dresser 1', command: 'go to dresser 1' });
  });

  it('uses the lamp at once when it stands where the object was', () => {
    expect(step([seenBoth, takeAt('dresser 2')])).toEqual({ thought: 'the desklamp is here', command: 'use the desklamp' });
  });

  it('says it in words the rule actor grounds in the right command', () => {
    const here = ['examine cd 1', 'examine dresser 2', 'go to bed 1', 'go to dresser 1', 'inventory', 'look', 'move cd 1 to dresser 2', 'use desklamp 1'];
    expect(closestCommand('the desklamp is here; use the desklamp.', here, 'examine the cd with the desklamp.')).toBe('use desklamp 1');
  });
});
