/**
 * Token and cost accounting. A meter keeps running totals per role (strategist, actor, judge, ...) and model, and
 * sets `costUsd` on every result from a price table in dollars per million tokens. Cached answers cost nothing.
 * A model missing from the table costs 0 and is flagged `unpriced`, so a report can say its cost is unknown.
 */
import { parseModelSpec } from './spec.js';
import type { CompletionResult, Middleware } from './model.js';

export interface Price {
  /** Dollars per 1M prompt tokens. */
  input: number;
  /** Dollars per 1M completion tokens. */
  output: number;
}

/**
 * OpenAI's list prices (standard tier, USD per 1M tokens) for common models, as published in 2025. Dated variants
 * (gpt-4o-mini-2024-07-18) match their base name. Pass your own table when prices change or for other providers.
 */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
};

/** The price of a model: exact name first, else the longest table name it starts with followed by "-". */
export function findPrice(model: string, prices: Readonly<Record<string, Price>> = DEFAULT_PRICES): Price | undefined {
  if (prices[model]) return prices[model];
  let best: string | undefined;
  for (const name of Object.keys(prices)) {
    if (model.startsWith(name + '-') && (!best || name.length > best.length)) best = name;
  }
  return best ? prices[best] : undefined;
}

export const costUsd = (promptTokens: number, completionTokens: number, p: Price): number =>
  (promptTokens * p.input + completionTokens * p.output) / 1e6;

export interface UsageTotals {
  role: string;
  model: string;
  calls: number;
  cachedCalls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** True when the model has no price in the table (its cost counts as 0). */
  unpriced: boolean;
}

/** The model name a spec's calls are priced under: the name after `openai:` or `#`, else the spec itself. */
export function modelNameOf(spec: string): string {
  try {
    const s = parseModelSpec(spec);
    return s.kind === 'openai' || s.kind === 'http' ? s.model : s.kind === 'local' ? `local:${s.path}` : `scripted:${s.name}`;
  } catch {
    return spec;
  }
}

export class UsageMeter {
  private readonly rows = new Map<string, UsageTotals>();

  constructor(readonly prices: Readonly<Record<string, Price>> = DEFAULT_PRICES) {}

  /** Record one result under a role and model; returns the result with `costUsd` set. */
  record(role: string, model: string, result: CompletionResult): CompletionResult {
    const price = findPrice(model, this.prices);
    const cost = result.cached || !price ? 0 : costUsd(result.usage.promptTokens, result.usage.completionTokens, price);
    const key = `${role}\u0000${model}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { role, model, calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpriced: !price }));
    row.calls++;
    if (result.cached) row.cachedCalls++;
    else {
      row.promptTokens += result.usage.promptTokens;
      row.completionTokens += result.usage.completionTokens;
      row.costUsd += cost;
    }
    return { ...result, costUsd: cost };
  }

  /** Running totals, one row per role and model, in first-seen order. */
  totals(): UsageTotals[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /** Sum over every role and model. */
  total(): Omit<UsageTotals, 'role' | 'model'> {
    const t = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpriced: false };
    for (const r of this.rows.values()) {
      t.calls += r.calls; t.cachedCalls += r.cachedCalls; t.promptTokens += r.promptTokens;
      t.completionTokens += r.completionTokens; t.costUsd += r.costUsd; t.unpriced ||= r.unpriced;
    }
    return t;
  }

  /** Middleware recording every call of a model under `role` (model name from the spec unless given). */
  middleware(role: string, modelName?: string): Middleware {
    return { wrapComplete: async (req, next, model) => this.record(role, modelName ?? modelNameOf(model.spec), await next(req)) };
  }
}
