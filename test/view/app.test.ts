/** The viewer's routes over a fixture of runs: what each page shows, its links, escaping, and its errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type ViewApp } from '../../src/view/app.js';
import { RunConnections } from '../../src/view/run-db.js';
import { runReportHtml } from '../../src/view/report.js';
import { writeAlfRun, writeSelfplayRun, writeSotopiaRun } from '../helpers/view-runs.js';

let root: string;
let app: ViewApp;
const get = (url: string) => handle(app, 'GET', url);
/** The page's visible text: markup and styles dropped, entities decoded. */
const text = (body: string) => body.replace(/<style>[^]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'epo-view-'));
  writeAlfRun(root, 'alf-a', { tasks: 30, skill: 0.4 });
  writeAlfRun(root, 'alf-b', { tasks: 30, skill: 0.8 });
  writeSotopiaRun(root, 'soto', 3);
  writeSelfplayRun(root, 'sp');
  app = { root, conns: new RunConnections() };
});
afterAll(() => { app.conns.closeAll(); rmSync(root, { recursive: true, force: true }); });

describe('epo view pages', () => {
  it('lists runs and sub-runs with environment, episodes and headline interval', () => {
    const r = get('/');
    expect(r.status).toBe(200);
    const t = text(r.body);
    expect(t).toContain('alf-a alfworld valid_unseen · strategist · 30 tasks × 1');
    expect(r.body).toContain('href="/selfplay?run=sp"');
    expect(r.body).toContain('href="/run?run=sp%2Fit1-eval"');
    expect(t).toMatch(/success \d+\.\d% \[\d+\.\d, \d+\.\d\]/);
  });

  it('shows a run with per-type intervals, tokens, cost, failures, protocol and config', () => {
    const r = get('/run?run=alf-a');
    expect(r.status).toBe(200);
    const t = text(r.body);
    expect(t).toContain('Per task type');
    expect(t).toContain('Pick Two');
    expect(t).toContain('MODEL_TIMEOUT: the actor did not answer');
    expect(t).toContain('"split": "valid_unseen"');
    expect(t).toContain('split: valid_unseen');
    expect(r.body).toContain('<svg class="chart"');
  });

  it('answers 404 for an unknown run or episode and 400 for a bad parameter or a path outside the runs folder', () => {
    expect(get('/run?run=nope').status).toBe(404);
    expect(get('/episode?run=alf-a&id=missing%230').status).toBe(404);
    expect(get('/episodes?run=alf-a&wmin=abc').status).toBe(400);
    expect(get('/run?run=..%2F..%2Fetc').status).toBe(400);
    expect(get('/nowhere').status).toBe(404);
    expect(handle(app, 'POST', '/').status).toBe(405);
  });

  it('filters episodes by outcome and type and pages them', () => {
    const all = text(get('/episodes?run=alf-a&per=10').body);
    expect(all).toContain('page 1 of 3 · 30 episodes');
    const pick = text(get('/episodes?run=alf-a&type=pick_and_place_simple').body);
    expect(pick).toContain('page 1 of 1 · 5 episodes');
    expect(pick).toContain('alf-00000#0');
    expect(pick).toContain('alf-00006#0');
    expect(pick).not.toContain('alf-00001#0');
  });

  it('shows an episode turn by turn with its label, critical turn, return and weight', () => {
    // Task 0 (3 turns) succeeds in alf-b: label rewards [1/3, 2/3, 1], critical [1]; reference rule, γ 0.99:
    // r = [0, 1, 1], G = [1.9701, 1.99, 1], w = G / 1.99 = [0.990, 1.000, 0.503]
    const r = get('/episode?run=alf-b&id=alf-00000%230');
    expect(r.status).toBe(200);
    const t = text(r.body);
    expect(t).toContain('✓ success');
    expect(t).toContain('turn 1 reward 0.000 critical return 1.990 weight 1.000');
    expect(t).toContain('turn 0 reward 0.000 return 1.970 weight 0.990');
    expect(t).toContain('turn 2 reward 1.000 done return 1.000 weight 0.503');
    expect(t).toContain('Strategy 0: look for the and near cabinet 1');
    expect(t).toContain('judge:scripted:judge: 0.667 · critical');
    expect(r.body).toContain('<title>turn 1: weight 1.000, return 1.990 (critical)</title>');
    // the label's reasoning is shown as text, not markup
    expect(r.body).toContain('found the right place &lt;b&gt;early&lt;/b&gt;');
  });

  it('shows a SOTOPIA episode as a two-seat transcript with strategies and the seven scores with reasoning, escaped', () => {
    const r = get('/episode?run=soto&id=sot-1.self%230');
    const t = text(r.body);
    expect(t).toContain('strategy: Seat 1 strategy 1: ask about the deadline politely');
    expect(t).toContain('financial_and_material_benefits');
    expect(t).toContain('Ava Martinez on goal: reasoned about it.');
    expect(r.body).toContain('Noah &lt;Script&gt; Kim');
    expect(r.body).not.toContain('<Script>');
  });

  it('shows a self-play run: held-out per iteration, rollouts, loss curve, weights and stage links', () => {
    const r = get('/selfplay?run=sp');
    const t = text(r.body);
    expect(t).toContain('held-out success per iteration');
    expect(t).toContain('training loss per step');
    expect(t).toContain('12 ex · mean 0.310 [-0.20, 1.00]');
    expect(r.body).toContain('href="/run?run=sp%2Fit2-eval"');
  });

  it('compares two runs on the same tasks with a paired difference', () => {
    const r = get('/compare?runs=alf-a,alf-b');
    expect(r.status).toBe(200);
    const t = text(r.body);
    expect(t).toContain('alf-b − alf-a');
    expect(t).toMatch(/alf-b − alf-a -?\d+\.\d pts \[-?\d+\.\d, -?\d+\.\d\] 30/);
    const differ = text(get('/compare?runs=alf-a,alf-b&differ=1').body);
    const counts = /(\d+) better · (\d+) worse · (\d+) same/.exec(t)!.slice(1).map(Number);
    expect(differ).toContain(`page 1 of 1 · ${counts[0] + counts[1]} tasks`);
    const one = text(get('/compare?runs=alf-a,alf-b&task=alf-00002').body);
    expect(one).toContain('Task alf-00002, side by side');
  });

  it('writes a self-contained run report without links or scripts', () => {
    const page = runReportHtml(root, 'alf-a');
    expect(page).toContain('<svg class="chart"');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('href="/');
    expect(runReportHtml(root, 'sp')).toContain('held-out success per iteration');
    expect(runReportHtml(root, 'sp/it1-eval')).toContain('sp/it1-eval');
    expect(readFileSync(join(root, 'alf-a', 'config.yaml'), 'utf8')).toContain('alfworld');
  });
});

describe('epo runs report --html', () => {
  it('writes the page of a run named by path, and refuses a name outside the runs folder', async () => {
    const { runCli } = await import('../helpers/eval-cli.js');
    const out = join(root, 'out', 'it1.html');
    const before = process.env.EPO_RUNS_DIR;
    process.env.EPO_RUNS_DIR = root;
    try {
      await runCli(['runs', 'report', '--run', 'sp/it1-eval', '--html', out]);
      const page = readFileSync(out, 'utf8');
      expect(page).toContain('<h1>sp/it1-eval</h1>');
      expect(page).not.toContain('<script');
      await expect(runCli(['runs', 'report', '--run', '../x', '--html', out])).rejects.toThrow(/"..\/x" is not a run name[^]*--run/);
    } finally {
      if (before === undefined) delete process.env.EPO_RUNS_DIR; else process.env.EPO_RUNS_DIR = before;
    }
  });
});
