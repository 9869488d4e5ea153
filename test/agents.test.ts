import { describe, expect, it } from 'vitest';
import { parseAction, parseThought, unwrap } from '../src/agents/parse.js';
import { normaliseAlfworldAction } from '../src/agents/prompts/alfworld.js';
import { normaliseWebshopAction } from '../src/agents/prompts/webshop.js';
import { alfworldThought, playExample, webshopThought } from '../src/agents/icl.js';
import { renderExample } from '../src/agents/roles.js';
import { FakeEnv, fakeTask } from './helpers/fake-env.js';

const alf = { normalise: normaliseAlfworldAction };
const web = { normalise: normaliseWebshopAction };

describe('thought parser', () => {
  it('takes the Thought field and joins its continuation lines', () => {
    expect(parseThought('Thought: Find the mug first.\nIt is likely on the counter.')).toEqual({ value: 'Find the mug first. It is likely on the counter.', noise: [] });
  });
  it('tolerates a missing prefix, markdown and quotes', () => {
    expect(parseThought('"Check the fridge next."')).toEqual({ value: 'Check the fridge next.', noise: ['missing prefix'] });
    expect(parseThought('**Thought:** go to the sink').value).toBe('go to the sink');
  });
  it('drops a hallucinated action after the thought', () => {
    expect(parseThought('Thought: open the drawer\nAction: open drawer 1')).toEqual({ value: 'open the drawer', noise: ['extra lines'] });
  });
  it('fails on an empty answer', () => {
    expect(parseThought('  \n')).toMatchObject({ value: '', error: 'empty answer' });
    expect(parseThought('Thought:')).toMatchObject({ value: '', error: 'no thought found in the answer' });
  });
});

describe('action parser', () => {
  it('reads the first line of the Action field only (no trailing text, unlike a DOTALL regex)', () => {
    expect(parseAction('Action: go to desk 1\nThen I will look around.', alf)).toEqual({ value: 'go to desk 1', noise: ['extra lines'] });
  });
  it('normalises case, quotes, full stops and the prompt marker', () => {
    expect(parseAction('Action: "Take Mug 1 from Countertop 2."', alf).value).toBe('take mug 1 from countertop 2');
    expect(parseAction('> open   fridge 1', alf)).toEqual({ value: 'open fridge 1', noise: ['missing prefix'] });
    expect(parseAction('Thought: I hold it.\nAction: `move mug 1 to coffeemachine 1`', alf).value).toBe('move mug 1 to coffeemachine 1');
  });
  it('finds an unlabelled command among loose lines', () => {
    expect(parseAction('Sure!\ngo to cabinet 3', alf).value).toBe('go to cabinet 3');
  });
  it('fails (with a reason) when nothing is a command', () => {
    expect(parseAction('I think we should dance.', alf)).toMatchObject({ value: '', error: 'no action found in the answer' });
    expect(parseAction('Action: fly to the moon', alf)).toMatchObject({ value: '', error: '"fly to the moon" is not a valid command' });
    expect(parseAction('', alf)).toMatchObject({ error: 'empty answer' });
  });
  it('parses WebShop actions with noise around the brackets', () => {
    expect(parseAction('Action: Click[ Buy Now ]', web).value).toBe('click[Buy Now]');
    expect(parseAction('Action: search[3 ounce bottle of bright citrus deodorant for sensitive skin]', web).value)
      .toBe('search[3 ounce bottle of bright citrus deodorant for sensitive skin]');
    expect(parseAction('I will click [b078gwrc1j] now', web).value).toBe('click[b078gwrc1j]');
    expect(parseAction('Action: click[]', web).error).toBeDefined();
    expect(parseAction('Action: buy it', web).error).toBe('"buy it" is not a valid command');
  });
  it('unwraps nested wrappers', () => {
    expect(unwrap(' "`go to desk 1`" ')).toBe('go to desk 1');
  });
});

describe('one-shot examples', () => {
  it('plays a walkthrough in the engine and writes a thought per step', async () => {
    const ex = await playExample(new FakeEnv(), fakeTask(3), fakeTask(3).walkthrough, alfworldThought);
    expect(ex.task).toBe('You are in a room with shelf 3 and box 1.\nYour task is to: put key in box.');
    expect(ex.steps).toEqual([
      { thought: 'I need to find the key first; shelf 3 is a likely spot, so check it.', action: 'go to shelf 3', observation: 'You did: go to shelf 3.' },
      { thought: 'The key is here; pick it up.', action: 'take key 3 from shelf 3', observation: 'You did: take key 3 from shelf 3.' },
      { thought: 'Put the key in box 1; that completes the task.', action: 'move key 3 to box 1', observation: 'You put the key in the box.' },
    ]);
    expect(renderExample(ex, 'strategist')).toContain("Thought: The key is here; pick it up.\nActor's action: take key 3 from shelf 3\nObservation: You did: take key 3 from shelf 3.");
  });
  it('writes ALFWorld thoughts that follow the sub-goals (holding, closed receptacles, the second object)', () => {
    const heat = ['go to countertop 4', 'take apple 3 from countertop 4', 'go to microwave 1', 'heat apple 3 with microwave 1', 'go to fridge 1', 'open fridge 1', 'move apple 3 to fridge 1'];
    expect(heat.map((_, i) => alfworldThought(heat, i, ''))).toEqual([
      'I need to find the apple first; countertop 4 is a likely spot, so check it.',
      'The apple is here; pick it up.',
      'The apple must be heated; take it to microwave 1.',
      'Heat the apple with microwave 1, as the task asks.',
      'I am holding the apple; bring it to fridge 1 (it is closed, so open it first).',
      'Fridge 1 is closed; open it.',
      'Put the apple in fridge 1; that completes the task.',
    ]);
    const two = ['go to bed 1', 'take book 4 from bed 1', 'go to desk 1', 'move book 4 to desk 1', 'go to bed 1', 'take book 3 from bed 1'];
    expect(alfworldThought(two, 3, '')).toBe('Put the book on desk 1, then fetch the next one.');
    expect(alfworldThought(two, 4, '')).toBe('Now find the second book; bed 1 is a likely spot, so check it.');
  });
  it('rejects a walkthrough that does not win', async () => {
    await expect(playExample(new FakeEnv(), fakeTask(1), ['go to shelf 1'], alfworldThought)).rejects.toThrow(/does not finish the game/);
  });
  it('writes WebShop thoughts by action kind', () => {
    const w = ['search[red shoes]', 'click[B07XYZ1234]', 'click[size 9]', 'click[buy now]'];
    expect(w.map((_, i) => webshopThought(w, i, ''))).toEqual([
      'Search with the key words of the request: red shoes.',
      'Result B07XYZ1234 matches the requested attributes and costs less than the limit; open it.',
      'Select the option "size 9" that the request asks for.',
      'Every required option is selected and the price is within the limit; buy it.',
    ]);
  });
});
