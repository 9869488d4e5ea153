/**
 * Does a pretrained checkpoint answer like a household strategist? Serves `local:<dir>` with the real OpenAI-protocol
 * server, sends held-out household chats (a random number of turns each, ending on a user turn) through the openai
 * SDK, and reports the share of answers that start with "Thought:" (and of those naming only objects and places that
 * occur in the chat).
 *   npm run -s bench -- model-chat --model DIR [--prompts 50] [--seed 999] [--temperature 0.7] [--alfworld FOLDER]
 * With --alfworld, the chats are expert walkthroughs of those ALFWorld games played in the engine (use a split the
 * model was not trained on, e.g. valid_seen when it was pretrained on valid_train); else synthetic ones.
 */
import OpenAI from 'openai';
import { createModel } from '../src/llm/create.js';
import { createRng } from '../src/core/random.js';
import { householdChat } from '../src/model/corpus/household.js';
import { alfworldWalkthroughChats } from '../src/model/corpus/alfworld.js';
import { registerLocalBackend } from '../src/model/register.js';
import { startServer } from '../src/serve/openai-server.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const dir = arg('model', '');
if (!dir) { console.error('usage: npm run -s bench -- model-chat --model <checkpoint dir>'); process.exit(2); }
const n = Number(arg('prompts', '50')), seed = Number(arg('seed', '999')), temperature = Number(arg('temperature', '0.7'));

registerLocalBackend();
const server = await startServer({ model: createModel(`local:${dir}`), name: 'strategist', port: 0 });
const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
const rng = createRng(seed);
const alfworld = arg('alfworld', '');
const games = alfworld ? alfworldWalkthroughChats(alfworld, seed, n) : undefined;
const t0 = performance.now();
const answers = await Promise.all(Array.from({ length: n }, async (_, i) => {
  const chat = games ? games[i % games.length] : householdChat(rng.fork(`held-out-${i}`));
  const userTurns = chat.length / 2;
  const k = rng.int(userTurns);
  const messages = chat.slice(0, 2 * k + 1);
  const r = await client.chat.completions.create({ model: 'strategist', messages, temperature, max_tokens: 64, seed: i });
  const text = r.choices[0].message.content ?? '';
  // Grounded: every "<thing> <n>" the answer names (cabinet 2, mug 1) occurs in the chat so far.
  const seen = messages.map((m) => m.content).join('\n');
  const grounded = [...text.matchAll(/\b([a-z]+) (\d+)\b/g)].every((m) => seen.includes(m[0]));
  return { text, grounded, tokens: r.usage?.completion_tokens ?? 0 };
}));
const secs = (performance.now() - t0) / 1000;
await server.close();
const thought = answers.filter((a) => a.text.startsWith('Thought:')).length;
const grounded = answers.filter((a) => a.text.startsWith('Thought:') && a.grounded).length;
for (const a of answers.slice(0, 5)) console.log(`  ${JSON.stringify(a.text)}`);
console.log(`${thought}/${n} answers start with "Thought:" (${((100 * thought) / n).toFixed(0)}%), ${answers.reduce((k, a) => k + a.tokens, 0)} completion tokens in ${secs.toFixed(1)} s through the OpenAI endpoint`);
console.log(`${grounded}/${n} are in that form and name only objects and places (e.g. "cabinet 2") that occur in the chat`);
console.log(JSON.stringify({ prompts: n, thought_share: thought / n, grounded_thought_share: grounded / n, seconds: Number(secs.toFixed(1)) }));
