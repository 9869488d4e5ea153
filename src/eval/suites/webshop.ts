/**
 * The WebShop suite: goals of a split in a fixed order, one loaded world shared by all episodes (each episode has its
 * own environment session), 10 steps by default, and a one-shot example built by playing an expert path to a
 * training goal's product.
 */
import { playExample, webshopThought } from '../../agents/icl.js';
import { webshopPrompts } from '../../agents/prompts/webshop.js';
import type { Example } from '../../agents/roles.js';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { hashString } from '../../core/random.js';
import { loadWebShop, webshopTasks, WebShopEnv, type WebShopTask, type WebShopWorld, type WebShopSplit } from '../../envs/webshop/index.js';
import { webshopOutcome } from '../webshop.js';
import type { Suite, SuiteOptions } from '../suite.js';

/** WebShop has no task types or orders: it takes the split, limit, data, seed and example of SuiteOptions. */
export type WebshopSuiteOptions = SuiteOptions;

export async function webshopSuite(o: WebshopSuiteOptions): Promise<Suite<WebShopTask>> {
  const split = o.split ?? 'test';
  const world = await loadWebShop({ root: o.data ? join(o.data, 'webshop') : undefined });
  const all = webshopTasks(world, { split: split as WebShopSplit });
  if (all.length === 0) throw new EpoError('MISSING_DATA', `WebShop split ${split} has no goals`, { where: '--split' });
  const tasks = o.limit ? all.slice(0, o.limit) : all;
  let example: Example | undefined;
  let exampleName = 'none';
  if (o.example) {
    // the first training goal an expert solves with a plain search (no paging, no title look-up) and reward 1
    const pool = webshopTasks(world, { split: 'train' });
    for (const goal of pool.slice(0, 200)) {
      const path = webshopExpert(world, goal, { maxPages: 0, titleFallback: false });
      if (!path) continue;
      example = await playExample(new WebShopEnv(world), goal, path, webshopThought);
      exampleName = `train/${goal.id}`;
      break;
    }
    if (!example) throw new EpoError('BAD_DATA', 'no training goal gives a clean one-shot example', { where: 'webshop train split' });
  }
  return {
    env: 'webshop', split, tasks, prompts: webshopPrompts, maxSteps: 10, exampleName,
    dataVersion: `${world.dataVersion} ${world.setting} ${split}:${all.length}:${hashString(all.map((t) => t.id).join('\n')).toString(16)}`,
    makeEnv: () => new WebShopEnv(world),
    example: () => example,
    outcome: webshopOutcome,
    taskRecord: (t) => ({ id: t.id, goal: t.goal }),
  };
}

/** Key words a shopper would type: the instruction without its lead-in, its option clauses and its price limit. */
export function instructionQuery(instruction: string): string {
  return instruction.toLowerCase()
    .split(/,? and price lower than/)[0]
    .replace(/,?\s*(?:and )?with [a-z0-9 &/-]{1,30}:.*$/, '')
    .replace(/^(?:please )?(?:find me|find|i need|i want|i am looking for|i'm looking for|get me|buy me|look for|i would like|show me|search for)\s+/, '')
    .replace(/[[\]]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * An expert's path to a goal, found by playing it: search (the instruction's key words, else the product's title),
 * page on until the product's link shows, open it, select each goal option, buy. Used for the one-shot example and
 * by tests as a walkthrough. `titleFallback: false` gives up instead of searching the title.
 */
export function webshopExpert(world: WebShopWorld, task: WebShopTask, opts: { maxPages?: number; titleFallback?: boolean } = {}): string[] | undefined {
  const product = world.product(task.goal.asin);
  if (!product) throw new EpoError('BAD_DATA', `goal product ${task.goal.asin} is not in the catalogue`, { where: task.id });
  const queries = [instructionQuery(task.goal.instruction_text)];
  if (opts.titleFallback !== false) queries.push(product.Title.toLowerCase().replace(/[[\]]/g, ' ').replace(/\s+/g, ' ').trim());
  const link = product.asin.toLowerCase();
  for (const q of queries) {
    if (!q) continue;
    const env = new WebShopEnv(world);
    env.reset(task);
    const actions: string[] = [];
    const act = (a: string) => { actions.push(a); return env.step(a); };
    act(`search[${q}]`);
    for (let p = 0; !env.clickables().includes(link) && p < (opts.maxPages ?? 5) && env.clickables().includes('next >'); p++) act('click[next >]');
    if (!env.clickables().includes(link)) continue;
    act(`click[${link}]`);
    const wanted = Array.isArray(task.goal.goal_options) ? task.goal.goal_options : Object.values(task.goal.goal_options);
    for (const v of wanted) if (env.clickables().includes(v.toLowerCase())) act(`click[${v.toLowerCase()}]`);
    if (act('click[buy now]').reward === 1) return actions;
  }
  return undefined;
}
