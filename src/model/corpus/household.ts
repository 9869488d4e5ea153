/**
 * Synthetic household strategist transcripts, for pretraining the built-in model when no real episodes exist yet.
 * Each transcript is one strategist chat in the project's format: the first user turn gives the task and the room,
 * later user turns give the observation after the actor's action, and every assistant turn is one
 * `Thought: …` strategy line. The walkthrough searches plausible places, takes the object, cleans/heats/cools it
 * when the task asks, and places it. Deterministic for a seed.
 */
import type { ChatMessage } from '../../core/messages.js';
import { createRng, type Rng } from '../../core/random.js';

type Kind = 'place' | 'clean' | 'heat' | 'cool' | 'look';

const PLACES = ['cabinet', 'countertop', 'drawer', 'shelf', 'diningtable', 'sidetable', 'desk', 'dresser', 'coffeetable', 'fridge', 'microwave', 'sinkbasin', 'garbagecan', 'stoveburner', 'bed', 'armchair', 'sofa', 'toilet', 'bathtubbasin'];
const OBJECTS: Record<string, string[]> = {
  mug: ['countertop', 'cabinet', 'coffeemachine', 'sinkbasin', 'shelf'], apple: ['countertop', 'fridge', 'diningtable', 'garbagecan'],
  tomato: ['fridge', 'countertop', 'diningtable', 'sinkbasin'], potato: ['fridge', 'countertop', 'garbagecan', 'diningtable'],
  egg: ['fridge', 'countertop', 'diningtable'], plate: ['cabinet', 'countertop', 'diningtable', 'shelf'], bowl: ['cabinet', 'countertop', 'shelf', 'diningtable'],
  cup: ['cabinet', 'countertop', 'shelf', 'sinkbasin'], knife: ['countertop', 'drawer', 'diningtable'], spatula: ['drawer', 'countertop', 'diningtable'],
  lettuce: ['fridge', 'countertop', 'diningtable'], bread: ['countertop', 'diningtable', 'fridge'], pan: ['stoveburner', 'cabinet', 'countertop'],
  soapbar: ['toilet', 'bathtubbasin', 'sinkbasin', 'cabinet'], cloth: ['cabinet', 'bathtubbasin', 'countertop'], book: ['desk', 'shelf', 'bed', 'sidetable'],
  pen: ['desk', 'drawer', 'sidetable', 'shelf'], cellphone: ['bed', 'desk', 'sidetable', 'dresser'], keychain: ['dresser', 'sidetable', 'drawer', 'sofa'],
  remotecontrol: ['sofa', 'coffeetable', 'armchair', 'sidetable'], pillow: ['bed', 'sofa', 'armchair'], cd: ['desk', 'drawer', 'shelf'], vase: ['shelf', 'sidetable', 'coffeetable'],
};
const CLEANABLE = ['mug', 'apple', 'tomato', 'potato', 'plate', 'bowl', 'cup', 'knife', 'spatula', 'lettuce', 'pan', 'soapbar', 'cloth', 'egg'];
const HEATABLE = ['mug', 'apple', 'tomato', 'potato', 'egg', 'plate', 'bowl', 'cup', 'bread'];
const COOLABLE = ['mug', 'apple', 'tomato', 'potato', 'lettuce', 'bread', 'plate', 'bowl', 'cup', 'pan', 'egg'];
const LOOKABLE = ['book', 'pen', 'cellphone', 'keychain', 'remotecontrol', 'cd', 'vase', 'pillow', 'mug', 'bowl'];
const TARGETS = ['countertop', 'cabinet', 'shelf', 'diningtable', 'sidetable', 'desk', 'dresser', 'drawer', 'coffeetable', 'fridge', 'microwave', 'garbagecan', 'sofa', 'bed', 'armchair'];
const OPENABLE = new Set(['cabinet', 'drawer', 'fridge', 'microwave']);

const phrase = (rng: Rng, options: string[]) => rng.pick(options);

function room(rng: Rng, needed: string[]): string[] {
  const kinds = new Set(needed);
  while (kinds.size < 7 + rng.int(5)) kinds.add(rng.pick(PLACES));
  const out: string[] = [];
  for (const k of kinds) {
    const n = ['cabinet', 'drawer', 'countertop', 'shelf', 'stoveburner'].includes(k) ? 1 + rng.int(4) : 1;
    for (let i = 1; i <= n; i++) out.push(`${k} ${i}`);
  }
  return rng.shuffle(out);
}

function taskText(kind: Kind, obj: string, target: string): string {
  switch (kind) {
    case 'place': return `put a ${obj} in ${target}.`;
    case 'clean': return `put a clean ${obj} in ${target}.`;
    case 'heat': return `heat some ${obj} and put it in ${target}.`;
    case 'cool': return `cool some ${obj} and put it in ${target}.`;
    case 'look': return `look at ${obj} under the desklamp.`;
  }
}

/** One strategist chat (user/assistant alternation, assistant turns starting with "Thought:"). */
export function householdChat(rng: Rng): ChatMessage[] {
  const kind = rng.pick<Kind>(['place', 'place', 'clean', 'heat', 'cool', 'look']);
  const pool = kind === 'clean' ? CLEANABLE : kind === 'heat' ? HEATABLE : kind === 'cool' ? COOLABLE : kind === 'look' ? LOOKABLE : Object.keys(OBJECTS);
  const obj = rng.pick(pool);
  const likely = OBJECTS[obj];
  const targetKind = kind === 'look' ? 'desk' : rng.pick(TARGETS.filter((t) => !likely.includes(t) || rng.next() < 0.3));
  const tool = kind === 'clean' ? 'sinkbasin' : kind === 'heat' ? 'microwave' : kind === 'cool' ? 'fridge' : kind === 'look' ? 'desklamp' : undefined;
  const places = room(rng, [...likely.slice(0, 2), targetKind, ...(tool ? [tool] : [])]);
  const target = places.find((p) => p.startsWith(`${targetKind} `)) ?? `${targetKind} 1`;
  const toolAt = tool ? (places.find((p) => p.startsWith(`${tool} `)) ?? `${tool} 1`) : undefined;
  const search = places.filter((p) => likely.some((l) => p.startsWith(`${l} `)));
  const others = places.filter((p) => !search.includes(p));
  const order = [...rng.shuffle(search), ...rng.shuffle(others)];
  const foundAt = order[Math.min(order.length - 1, rng.int(Math.min(order.length, 4)))];
  const idx = 1 + rng.int(3);
  const item = `${obj} ${idx}`;

  const msgs: ChatMessage[] = [];
  const say = (u: string, a: string) => { msgs.push({ role: 'user', content: u }, { role: 'assistant', content: `Thought: ${a}` }); };
  const intro = `You are in the middle of a room. Looking quickly around you, you see ${places.map((p) => `a ${p}`).join(', ')}.`;
  const first = `Task: ${taskText(kind, obj, kind === 'look' ? 'desklamp' : targetKind)}\nObservation: ${intro}`;
  const firstGuess = order[0];
  say(first, phrase(rng, [
    `To solve the task, I need to find a ${obj} first. A ${obj} is most likely on or in ${search.slice(0, 3).join(', ') || 'the counters'}. I should check ${firstGuess} first.`,
    `First I need to find a ${obj}. The best places to look are ${search.slice(0, 3).join(', ') || 'the surfaces'}; go to ${firstGuess}.`,
    `The ${obj} is not in view yet. Start the search at ${firstGuess}, since a ${obj} is usually kept there.`,
  ]));
  for (const place of order) {
    const opened = OPENABLE.has(place.split(' ')[0]);
    const junk = rng.pick(['a saltshaker 1', 'a peppershaker 2', 'a dishsponge 1', 'a spoon 2', 'a creditcard 1', 'a candle 1', 'nothing', 'a papertowelroll 1']);
    if (place !== foundAt) {
      const obs = opened ? `You open the ${place}. The ${place} is open. In it, you see ${junk}.` : `On the ${place}, you see ${junk}.`;
      const next = order[order.indexOf(place) + 1];
      say(`Observation: ${obs}`, phrase(rng, [
        `There is no ${obj} in ${place}. I should check ${next} next.`,
        `No ${obj} here. Move on to ${next}.`,
        `The ${obj} is not in ${place}; keep searching, go to ${next}.`,
      ]));
      continue;
    }
    const seen = junk === 'nothing' ? `a ${item}` : `a ${item}, and ${junk}`;
    const obs = opened ? `You open the ${place}. The ${place} is open. In it, you see ${seen}.` : `On the ${place}, you see ${seen}.`;
    say(`Observation: ${obs}`, phrase(rng, [
      `Now I find a ${obj} (${item}). Next, I need to take it.`,
      `I found ${item} in ${place}. Take it from ${place}.`,
      `${item} is here. Pick it up.`,
    ]));
    break;
  }
  say(`Observation: You pick up the ${item} from the ${foundAt}.`, kind === 'place' || kind === 'look'
    ? (kind === 'look' ? `Now I have the ${obj}. Next, I need to find a desklamp and turn it on; it is probably on ${toolAt ?? 'the desk'}.` : `Now I take ${item}. Next, I need to put it in/on ${target}.`)
    : `Now I take ${item}. Next, I need to go to ${toolAt} and ${kind} it.`);
  if (tool && kind !== 'look') {
    const arrive = tool === 'sinkbasin' ? `On the ${toolAt}, you see nothing.` : `The ${toolAt} is closed.`;
    say(`Observation: ${arrive}`, `I am at ${toolAt}. ${kind === 'clean' ? `Clean the ${item} with ${toolAt}.` : `${kind === 'heat' ? 'Heat' : 'Cool'} the ${item} with ${toolAt}.`}`);
    say(`Observation: You ${kind} the ${item} using the ${toolAt}.`, `Now I ${kind === 'clean' ? 'clean' : kind === 'heat' ? 'heat' : 'cool'} the ${obj}. Next, I need to put it in/on ${target}.`);
  }
  if (kind === 'look') {
    say(`Observation: On the ${toolAt}, you see a desklamp 1.`, `The desklamp is here. Turn on desklamp 1 while holding the ${obj}.`);
  } else {
    const arrive = OPENABLE.has(targetKind) ? `The ${target} is closed.` : `On the ${target}, you see ${rng.pick(['nothing', 'a plate 2', 'a book 1', 'a keychain 2'])}.`;
    say(`Observation: ${arrive}`, OPENABLE.has(targetKind) ? `The ${target} is closed. Open it, then put the ${item} in it.` : `I am at ${target}. Put the ${item} in/on ${target}.`);
  }
  return msgs;
}

/** `count` chats as JSON lines ({"messages": [...]}), the corpus format `epo model pretrain` reads. */
export function householdCorpus(count: number, seed: number): string {
  const rng = createRng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(JSON.stringify({ messages: householdChat(rng.fork(`chat-${i}`)) }));
  return lines.join('\n') + '\n';
}
