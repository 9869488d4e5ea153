import { describe, expect, it } from 'vitest';
import { closestCommand, readActorTurn, ruleActor } from '../src/agents/rule-actor.js';
import { readChat, teacherStep } from '../src/demo/teacher.js';

const here = ['go to desk 1', 'go to drawer 1', 'go to drawer 2', 'take pencil 1 from shelf 1', 'take alarmclock 1 from shelf 1', 'help', 'inventory', 'look'];
const task = 'put some alarmclock on desk.';

describe('rule actor: the admissible command closest to the thought', () => {
  it('prefers a command written verbatim in the thought (the longest)', () => {
    expect(closestCommand('find the alarmclock; go to drawer 2.', here, task)).toBe('go to drawer 2');
    expect(closestCommand('look around; look.', here, task)).toBe('look');
  });
  it('otherwise scores word overlap, the verb, and the task sentence', () => {
    // "take it": both take commands share "take" (+0.5 verb); "alarmclock" is in the task sentence (+0.1)
    expect(closestCommand('the alarmclock is here; take it.', here, task)).toBe('take alarmclock 1 from shelf 1');
    expect(closestCommand('now go to the target.', here, task)).toBe('go to desk 1');
    // an unknown place: "go to drawer 2" shares go, to, 2 (3/4) — more than the others
    expect(closestCommand('find it; go to cabinet 2.', here, task)).toBe('go to drawer 2');
  });
  it('breaks ties by commands not issued yet, then edit distance, then list order', () => {
    expect(closestCommand('go somewhere', ['go to b 1', 'go to a 1'])).toBe('go to b 1');
    expect(closestCommand('go to a new place', ['go to b 1', 'go to a 1'], '', new Set(['go to b 1']))).toBe('go to a 1');
    expect(closestCommand('xyz', [])).toBeUndefined();
  });
  it('reads its prompt and answers one Action line', async () => {
    const prompt = `Task:\nYou are in the middle of a room.\nYour task is to: ${task}\nThought: take it.\nAvailable actions: ${here.join(', ')}`;
    expect(readActorTurn(prompt)).toEqual({ thought: 'take it.', admissible: here });
    const r = await ruleActor().complete({ messages: [{ role: 'user', content: prompt }] });
    expect(r.text).toBe('Action: take alarmclock 1 from shelf 1');
    const noList = await ruleActor().complete({ messages: [{ role: 'user', content: 'Observation: x\nThought: I should look. Go to desk 1.' }] });
    expect(noList.text).toBe('Action: Go to desk 1');
  });
});

describe('demo teacher', () => {
  const first = { role: 'user' as const, content: 'Task:\nYou are in the middle of a room. Looking quickly around you, you see a desk 1, a drawer 1, and a shelf 1.\nYour task is to: put some alarmclock on desk.' };
  const pickFirst = <T>(xs: T[]) => xs[0];
  it('searches, takes the object when seen, brings and places it (naming roles, not places)', () => {
    let s = readChat([first])!;
    expect(s).toMatchObject({ object: 'alarmclock', target: 'desk', places: ['desk 1', 'drawer 1', 'shelf 1'] });
    expect(teacherStep(s, pickFirst)).toEqual({ thought: 'find the alarmclock', command: 'go to a new place' });
    const chat = [first, { role: 'assistant' as const, content: 'Thought: find the alarmclock; go to drawer 1.' },
      { role: 'user' as const, content: "Actor's action: go to drawer 1\nObservation: You arrive at drawer 1. On the drawer 1, you see nothing." },
      { role: 'assistant' as const, content: 'Thought: x' },
      { role: 'user' as const, content: "Actor's action: go to shelf 1\nObservation: You arrive at shelf 1. On the shelf 1, you see a alarmclock 1." }];
    s = readChat(chat)!;
    expect(teacherStep(s, pickFirst)).toEqual({ thought: 'the alarmclock is here', command: 'take it' });
    s = readChat([...chat, { role: 'assistant', content: 'Thought: x' }, { role: 'user', content: "Actor's action: take alarmclock 1 from shelf 1\nObservation: You pick up the alarmclock 1 from the shelf 1." }])!;
    expect(s.holding).toBe('alarmclock 1');
    expect(teacherStep(s, pickFirst).command).toBe('now go to the target');
    s.at = 'desk 1';
    expect(teacherStep(s, pickFirst).command).toBe('move it to the target');
  });
});
