/** `epo replay webshop`, `epo play webshop`, `epo data generate webshop`: WebShop from the command line. */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { EpoError } from '../../core/errors.js';
import { parseNumber, RULES } from '../num.js';
import { readLines } from '../read-lines.js';
import { loadWebShop, taskFromGoal, WebShopEnv, type Goal, type WebShopWorld } from '../../envs/webshop/index.js';
import { writeCatalogue } from '../../envs/webshop/generate.js';

const goalSchema = z.object({
  asin: z.string(),
  instruction_text: z.string(),
  attributes: z.array(z.string()),
  goal_options: z.union([z.record(z.string(), z.string()), z.array(z.string())]),
  price_upper: z.number(),
  name: z.string().optional(),
  query: z.string().optional(),
  category: z.string().optional(),
  product_category: z.string().optional(),
});

interface WorldFlags { root?: string; setting?: 'small' | 'full'; catalogue?: string; seed?: string; kind?: 'synthetic' | 'human'; showSelected?: boolean; showAttributes?: boolean }

const worldOptions = (c: Command) => c
  .option('--setting <small|full>', 'catalogue setting', 'small')
  .option('--root <dir>', 'the WebShop data folder (default: <data dir>/webshop, as `epo data install webshop` fills it)')
  .option('--catalogue <path>', 'a processed catalogue (.jsonl or its folder), e.g. from `epo data generate webshop`')
  .option('--seed <n>', 'seed of prices and price caps', '0')
  .option('--kind <synthetic|human>', 'which goal list a numeric --goal indexes (default: human in the full setting, else synthetic)')
  .option('--show-selected', 'show the selected option values on item pages (the reference hides them)')
  .option('--show-attributes', 'offer the Attributes sub-page');

async function openWorld(o: WorldFlags): Promise<WebShopWorld> {
  const seed = parseNumber('--seed', o.seed ?? '0', RULES.seed)!;
  return loadWebShop({ root: o.root, setting: o.setting, catalogue: o.catalogue, seed, onProgress: (m) => process.stderr.write(m + '\n') });
}

/** --goal: an index, a JSON object, or a file holding one. */
function parseGoal(world: WebShopWorld, spec: string, kind?: 'synthetic' | 'human') {
  if (/^\d+$/.test(spec)) return taskFromGoal(world, Number(spec), kind);
  let text = spec;
  if (!spec.trim().startsWith('{')) {
    if (!existsSync(spec)) throw new EpoError('BAD_INPUT', 'expected a goal index, a JSON goal or a file with one', { where: `--goal ${spec}` });
    text = readFileSync(spec, 'utf8');
  }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new EpoError('BAD_INPUT', `goal is not valid JSON: ${(e as Error).message}`, { where: '--goal' }); }
  const r = goalSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new EpoError('BAD_INPUT', `invalid goal field "${i.path.join('.')}": ${i.message}`, { where: '--goal' });
  }
  return taskFromGoal(world, r.data as Goal);
}

const readActions = (src: string): string[] => readLines(src, '--actions', 'actions');

export function registerWebShopReplay(replay: Command): void {
  worldOptions(replay.command('webshop')
    .description('replay actions (one per line) on a WebShop goal; prints JSON lines: page, observation, clickables, and at the end the reward and its parts')
    .requiredOption('--goal <index|json|file>', 'goal index, or a goal as JSON with WebShop field names (asin, instruction_text, attributes, goal_options, price_upper)')
    .requiredOption('--actions <file|->', 'actions, one per line (- for standard input)'))
    .action(async (o: WorldFlags & { goal: string; actions: string }) => {
      const actions = readActions(o.actions); // before the catalogue is loaded
      const world = await openWorld(o);
      const task = parseGoal(world, o.goal, o.kind);
      const env = new WebShopEnv(world, { showSelected: o.showSelected, showAttributes: o.showAttributes });
      const out = (x: unknown) => process.stdout.write(JSON.stringify(x) + '\n');
      const observation = env.reset(task);
      out({ step: 0, task: task.id, instruction: task.goal.instruction_text, page: env.page, observation, clickables: env.clickables() });
      let last: { reward: number; done: boolean; info: Record<string, unknown> } = { reward: 0, done: false, info: {} };
      for (const [i, action] of actions.entries()) {
        const r = env.step(action);
        last = r;
        out({ step: i + 1, action, page: r.info.page, observation: r.observation, clickables: r.info.clickables, reward: r.reward, done: r.done, progress: r.info.progress, ...(r.info.invalid ? { invalid: true } : {}) });
        if (r.done) break;
      }
      out({ final: true, done: last.done, reward: last.done ? last.reward : 0, parts: last.info.rewardParts ?? null, asin: last.info.asin ?? null, options: last.info.options ?? null });
    });
}

export function registerWebShopPlay(play: Command): void {
  worldOptions(play.command('webshop')
    .description('shop yourself: type search[...] or click[...] (or a clickable alone); "actions" lists them, "quit" leaves')
    .option('--goal <index|json|file>', 'goal index or JSON goal', '0'))
    .action(async (o: WorldFlags & { goal: string }) => {
      const world = await openWorld(o);
      const task = parseGoal(world, o.goal, o.kind);
      const env = new WebShopEnv(world, { showSelected: o.showSelected ?? true, showAttributes: o.showAttributes });
      const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
      const show = (obs: string) => process.stdout.write('\n' + obs.split(' [SEP] ').join('\n  ') + '\n');
      show(env.reset(task));
      process.stdout.write('> ');
      try {
        for await (const raw of rl) {
          const line = raw.trim();
          if (line === 'quit' || line === 'exit') break;
          if (line === 'actions') { process.stdout.write(env.admissibleActions().join('\n') + '\n> '); continue; }
          if (line === '') { process.stdout.write('> '); continue; }
          const action = /\[.*\]/.test(line) ? line : `click[${line}]`;
          const r = env.step(action);
          if (r.info.invalid) process.stdout.write('(invalid action: nothing changed)\n');
          show(r.observation);
          if (r.done) { process.stdout.write(JSON.stringify({ reward: r.reward, parts: r.info.rewardParts }, null, 2) + '\n'); break; }
          process.stdout.write('> ');
        }
      } finally { rl.close(); }
    });
}

export function registerWebShopGenerate(generate: Command): void {
  generate.command('webshop')
    .description('generate a synthetic product catalogue (processed form, with instructions) for offline use and scale tests')
    .requiredOption('--out <dir>', 'output folder (products.jsonl, items_ins.json)')
    .option('--products <n>', 'number of products', '1000')
    .option('--seed <n>', 'seed', '0')
    .action(async (o: { out: string; products: string; seed: string }) => {
      const n = parseNumber('--products', o.products, { integer: true, min: 1, max: 10_000_000 })!, seed = parseNumber('--seed', o.seed, RULES.seed)!;
      const r = await writeCatalogue(o.out, n, seed);
      process.stdout.write(`generated ${r.products} products (${r.goalsProducts} with instructions) in ${o.out}\n`);
    });
}
