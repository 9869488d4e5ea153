/**
 * The WebShop text environment: the reference's page flow and action rules on a shared world. `search[...]` works
 * from any page; `click[...]` must name one of the page's clickables (compared lower-cased, "search" excluded);
 * anything else changes nothing and returns the same page, flagged `invalid` in info. "Buy Now" ends the episode
 * with the reward and its parts.
 */
import type { Task, TextEnv, StepResult } from '../../core/env.js';
import { createRng, deriveSeed, type Rng } from '../../core/random.js';
import { SEARCH_RETURN_N } from './bm25.js';
import { computeReward, type GoalOptionMatch, type RewardParts } from './reward.js';
import { donePage, itemPage, observation, resultsPage, searchPage, subPage, SUB_PAGES, type Rendered, type SubPage } from './render.js';
import type { Goal, Product } from './types.js';
import type { WebShopWorld } from './world.js';

export interface WebShopTask extends Task { goalIndex?: number; goal: Goal }

export type PageName = 'search' | 'results' | 'item' | SubPage | 'done';

export interface WebShopEnvOptions {
  /** Show which option values are selected on the item page (the reference hides it). */
  showSelected?: boolean;
  /** Offer the Attributes sub-page (the reference evaluation does not). */
  showAttributes?: boolean;
  /** Goal options given as a dict: compared as their values (default) or as (name, value) pairs (the reference). */
  goalOptions?: GoalOptionMatch;
}

const PRODUCTS_PER_PAGE = 10;

interface Session {
  page: PageName;
  keywords: string[] | null;
  pageNum: number;
  results: Product[];
  asin: string | null;
  options: Record<string, string>;
  reward: number;
  parts?: RewardParts;
}

/** Parse an action as the reference does: `name[arg]`, the argument lower-cased; undefined when it does not parse. */
export function parseAction(action: string): { name: string; arg: string } | undefined {
  const m = /^(.+)\[(.+)\]/.exec(action);
  return m ? { name: m[1], arg: m[2].toLowerCase() } : undefined;
}

export class WebShopEnv implements TextEnv<WebShopTask> {
  readonly name = 'webshop';
  private goal!: Goal;
  private s!: Session;
  private rendered!: Rendered;
  private rng: Rng = createRng(0);
  private best = 0;
  private progress = 0;
  /** Potential rewards already computed this episode, by product and selected options. */
  private potential = new Map<string, number>();
  constructor(readonly world: WebShopWorld, private readonly opts: WebShopEnvOptions = {}) {}

  /** The goal with the catalogue's fields filled in where a hand-written goal leaves them out. */
  private completeGoal(goal: Goal): Goal {
    const p = this.world.product(goal.asin);
    return {
      ...goal,
      name: goal.name ?? p?.name ?? '',
      query: goal.query ?? p?.query ?? '',
      category: goal.category ?? p?.category ?? '',
      product_category: goal.product_category ?? p?.product_category ?? '',
    };
  }

  reset(task: WebShopTask, seed = 0): string {
    this.goal = this.completeGoal(task.goal);
    this.rng = createRng(deriveSeed(seed, task.id));
    this.s = { page: 'search', keywords: null, pageNum: 1, results: [], asin: null, options: {}, reward: 0 };
    this.best = 0;
    this.progress = 0;
    this.potential.clear();
    this.render();
    return observation(this.rendered);
  }

  get instruction(): string { return this.goal.instruction_text; }
  get page(): PageName { return this.s.page; }
  get selectedOptions(): Record<string, string> { return { ...this.s.options }; }
  get currentAsin(): string | null { return this.s.asin; }

  clickables(): string[] { return [...this.rendered.clickables.keys()]; }

  admissibleActions(): string[] {
    if (this.s.page === 'done') return [];
    return ['search[<query>]', ...this.clickables().filter((c) => c !== 'search').map((c) => `click[${c}]`)];
  }

  observation(): string { return observation(this.rendered); }

  private product(): Product | undefined { return this.s.asin ? this.world.product(this.s.asin) : undefined; }

  private render(): void {
    const instr = this.goal.instruction_text;
    const s = this.s;
    const product = this.product();
    switch (s.page) {
      case 'search': this.rendered = searchPage(instr); break;
      case 'results': {
        const shown = s.results.slice((s.pageNum - 1) * PRODUCTS_PER_PAGE, s.pageNum * PRODUCTS_PER_PAGE);
        this.rendered = resultsPage(instr, s.pageNum, s.results.length, shown);
        break;
      }
      case 'item': this.rendered = itemPage(instr, product!, { showAttributes: this.opts.showAttributes, selected: s.options, showSelected: this.opts.showSelected }); break;
      case 'done': this.rendered = donePage(s.reward); break;
      default: this.rendered = subPage(instr, product!, s.page);
    }
  }

  /** The reference's search, including its special `<r>`, `<a>`, `<c>`, `<q>` keyword forms (those scan everything). */
  private search(keywords: string[]): Product[] {
    const all = this.world.products;
    const rest = keywords.slice(1).join(' ').trim();
    const scan = (keep: (p: Product) => boolean) => {
      const out: Product[] = [];
      for (let i = 0; i < all.length; i++) { const p = all.get(i); if (keep(p)) out.push(p); }
      return out;
    };
    switch (keywords[0]) {
      case '<r>': {
        const picks = new Set<number>();
        while (picks.size < Math.min(SEARCH_RETURN_N, all.length)) picks.add(this.rng.int(all.length));
        return [...picks].map((i) => all.get(i));
      }
      case '<a>': return scan((p) => p.Attributes.includes(rest));
      case '<c>': return scan((p) => p.category === (keywords[1] ?? '').trim());
      case '<q>': return scan((p) => p.query === rest);
      default: return this.world.index.search(keywords.join(' ')).map((h) => all.get(h.doc));
    }
  }

  private toResults(pageNum: number): void {
    Object.assign(this.s, { page: 'results', pageNum, asin: null, options: {} });
  }

  /** Apply a valid click; false when the reference would fail on it (then nothing changes). */
  private click(arg: string): boolean {
    const s = this.s;
    const c = this.rendered.clickables.get(arg)!;
    if (arg === 'buy now') {
      const product = this.product();
      if (!product) return false;
      const r = computeReward(this.goal, product, s.options, this.world.price(product.asin), { goalOptions: this.opts.goalOptions });
      Object.assign(s, { page: 'done', reward: r.reward, parts: r.parts });
      return true;
    }
    if (arg === 'back to search') { Object.assign(s, { page: 'search', keywords: null, pageNum: 1, results: [], asin: null, options: {} }); return true; }
    if (arg === 'next >' && s.page === 'results') { this.toResults(s.pageNum + 1); return true; }
    if (arg === '< prev' && s.page === 'results') { this.toResults(s.pageNum - 1); return true; }
    if (arg === '< prev' && (SUB_PAGES as string[]).includes(s.page)) { s.page = 'item'; return true; }
    if (arg === '< prev' && s.page === 'item') { this.toResults(s.pageNum); return true; }
    if ((SUB_PAGES as string[]).includes(arg)) {
      if (!this.product()) return false;
      s.page = arg as SubPage;
      return true;
    }
    if (c.kind === 'link') { s.asin = c.asin; if (!this.product()) { s.asin = null; return false; } }
    else if (c.kind === 'option') s.options[c.name] = arg;
    if (!this.product()) return false;
    s.page = 'item';
    return true;
  }

  step(action: string): StepResult {
    let valid = false;
    let reward = 0;
    if (this.s.page !== 'done') {
      const a = parseAction(action);
      const snapshot = { ...this.s, options: { ...this.s.options } };
      if (a && a.name === 'search' && a.arg !== '') {
        const keywords = a.arg.split(' ');
        Object.assign(this.s, { keywords, results: this.search(keywords) });
        this.toResults(1);
        valid = true;
      } else if (a && a.name === 'click' && a.arg !== 'search' && this.rendered.clickables.has(a.arg)) {
        valid = this.click(a.arg);
        if (!valid) this.s = snapshot;
      }
      if (valid) this.render();
      if (valid && this.s.page === 'done') reward = this.s.reward;
    }
    this.updateProgress();
    const done = this.s.page === 'done';
    return {
      observation: observation(this.rendered),
      reward,
      done,
      info: {
        page: this.s.page,
        clickables: this.clickables(),
        progress: this.progress,
        ...(valid ? {} : { invalid: true }),
        ...(done && this.s.parts ? { rewardParts: this.s.parts, asin: this.s.asin, options: { ...this.s.options } } : {}),
      },
    };
  }

  /**
   * Progress toward the goal, grounded in the environment: on a product's pages, the reward buying it now with the
   * selected options would give; elsewhere, the best such value seen so far; after buying, the reward.
   */
  private updateProgress(): void {
    const s = this.s;
    if (s.page === 'done') { this.progress = s.reward; return; }
    const product = this.product();
    if (product && (s.page === 'item' || (SUB_PAGES as string[]).includes(s.page))) {
      const key = `${product.asin}\0${JSON.stringify(s.options)}`;
      let r = this.potential.get(key);
      if (r === undefined) {
        r = computeReward(this.goal, product, s.options, this.world.price(product.asin), { goalOptions: this.opts.goalOptions }).reward;
        this.potential.set(key, r);
      }
      this.best = Math.max(this.best, r);
      this.progress = r;
    } else this.progress = this.best;
  }
}
