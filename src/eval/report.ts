/**
 * The results table printed after an evaluation and the summary JSON written beside it. Both carry the protocol
 * (environment, data version, split, task count, models with sampling settings, seeds, step limit, code version),
 * because results are only comparable when the protocol is stated.
 */
import type { Episode, ModelRef } from '../core/episode.js';
import { typeName } from '../envs/alfworld/task-types.js';
import { alfworldMetrics, type AlfworldMetrics } from './alfworld.js';
import { envMetrics, type EnvMetrics } from './generic.js';
import { formatEstimate, type Estimate } from './stats.js';
import { webshopMetrics, type WebshopMetrics } from './webshop.js';

export interface Protocol {
  /** epo (epo's own prompts and rules) or reference (the EPO release's, exactly): docs/evaluation.md. */
  protocol?: string;
  env: string;
  dataVersion?: string;
  split: string;
  /** How tasks were chosen beyond split and count (order, types). */
  selection?: string;
  /** Tasks selected (before sharding) and trials per task. */
  taskCount: number;
  trials: number;
  mode: string;
  models: Record<string, ModelRef>;
  /** The run seed; episode seeds are deriveSeed(seed, taskId, trial), model call seeds deriveSeed(episode seed, role, turn). */
  seed: number;
  maxSteps: number;
  showAdmissible: boolean;
  example: string;
  codeVersion: string;
  /** Display names of task types in report order (environments brought by users). */
  typeNames?: Record<string, string>;
  [key: string]: unknown;
}

export type Metrics = AlfworldMetrics | WebshopMetrics | EnvMetrics;

export interface Summary {
  run: string;
  protocol: Protocol;
  /** Episodes counted (may be fewer than tasks × trials while a run is unfinished). */
  episodes: number;
  metrics: Metrics;
}

export function summarise(run: string, protocol: Protocol, es: readonly Episode[]): Summary {
  const metrics = protocol.env === 'webshop' ? webshopMetrics(es) : protocol.env === 'alfworld' ? alfworldMetrics(es)
    : envMetrics(es, Object.keys(protocol.typeNames ?? {}));
  return { run, protocol: { ...protocol, protocol: protocol.protocol ?? 'epo' }, episodes: es.length, metrics };
}

const pct = (e: Estimate) => formatEstimate(e, 100, 1);
const frac = (e: Estimate) => (e.n ? `${Math.round(e.mean * e.n)}/${e.n}` : '');

export function formatTable(s: Summary): string {
  const p = s.protocol;
  const rows: [string, string, string][] = [];
  const m = s.metrics;
  if (p.env === 'webshop') {
    const w = m as WebshopMetrics;
    rows.push(['score (avg reward ×100)', formatEstimate(w.reward, 100, 1), '']);
    rows.push(['success (reward = 1) %', pct(w.success), frac(w.success)]);
    rows.push(['bought something %', pct(w.bought), frac(w.bought)]);
  } else {
    const a = m as AlfworldMetrics | EnvMetrics;
    rows.push(['success %', pct(a.success), frac(a.success)]);
    const name = (t: string) => (p.env === 'alfworld' ? typeName(t) : p.typeNames?.[t] ?? t);
    for (const [t, e] of Object.entries(a.byType)) rows.push([`  ${name(t)}`, pct(e), frac(e)]);
    if ('reward' in a) rows.push(['mean reward', formatEstimate(a.reward, 1, 3), '']);
  }
  rows.push(['steps per episode', formatEstimate(m.steps, 1, 1), '']);
  rows.push(['parse failures', `thought ${m.parseFailures.thought}, action ${m.parseFailures.action}`, `${m.parseFailures.perEpisode.toFixed(2)}/episode`]);
  rows.push(['tokens per episode', `${Math.round(m.tokensPerEpisode.total)}`, `prompt ${Math.round(m.tokensPerEpisode.prompt)}, completion ${Math.round(m.tokensPerEpisode.completion)}`]);
  rows.push(['cost per episode', `$${m.costPerEpisodeUsd.toFixed(4)}`, '']);
  rows.push(['end reasons', Object.entries(m.reasons).map(([k, v]) => `${k} ${v}`).join(', '), '']);
  const w0 = Math.max(...rows.map((r) => r[0].length)), w1 = Math.max(...rows.map((r) => r[1].length));
  const models = Object.entries(p.models).map(([role, r]) => `${role} ${r.spec}${r.temperature !== undefined ? ` (T=${r.temperature})` : ''}`).join(' · ');
  const head = [
    `${p.env} ${p.split}${p.selection ? ` (${p.selection})` : ''} · run ${s.run} · ${s.episodes} of ${p.taskCount * p.trials} episodes · protocol ${p.protocol ?? 'epo'} · mode ${p.mode} · max ${p.maxSteps} steps`,
    `${models} · seed ${p.seed} · data ${p.dataVersion ?? '?'} · code ${p.codeVersion}`,
    `${'metric'.padEnd(w0)}  ${'value [95% CI]'.padEnd(w1)}`,
  ];
  return [...head, ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd())].join('\n') + '\n';
}

/** JSON with NaN (undefined intervals) written as null. */
export const summaryJson = (s: Summary): string =>
  JSON.stringify(s, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
