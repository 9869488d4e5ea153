/**
 * End to end in a real browser: `epo view` (the CLI, as a child process) on a fixture of runs (two ALFWorld-shaped
 * evaluations of the same tasks with judge labels, a SOTOPIA run, a self-play run with its stage runs), driven by
 * Debian's Chromium through playwright-core: runs list → run → filtered episodes → an episode with labels and
 * weights → compare two runs (and one task side by side); the SOTOPIA transcript and the self-play page too.
 * Screenshots go to test-output/view/. Skips, saying why, when no Chromium is installed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/eval-cli.js';
import { writeAlfRun, writeSelfplayRun, writeSotopiaRun } from '../helpers/view-runs.js';

const CHROMIUM = [process.env.EPO_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
if (!CHROMIUM) console.warn('[skip] view e2e: no Chromium at /usr/bin/chromium (install it with `apt-get install -y chromium`, or set EPO_CHROMIUM)');

const shots = resolve('test-output/view');

describe.skipIf(!CHROMIUM)('epo view in a browser', () => {
  let root: string;
  let child: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  const heading = async () => { await page.waitForLoadState('load'); return page.locator('h1').innerText(); };
  /** Click what leads to another page and wait for it. */
  const follow = (selector: string, to: RegExp) => Promise.all([page.waitForURL(to), page.click(selector)]);
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'epo-view-e2e-'));
    writeAlfRun(root, 'alf-a', { tasks: 60, skill: 0.4 });
    writeAlfRun(root, 'alf-b', { tasks: 60, skill: 0.8 });
    writeSotopiaRun(root, 'soto', 4);
    writeSelfplayRun(root, 'sp');
    child = spawnCli(['view', '--runs', root, '--port', '0'], {});
    url = await new Promise<string>((ok, fail) => {
      let out = '', err = '';
      child.stdout!.on('data', (b: Buffer) => { out += b; const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out); if (m) ok(m[1]); });
      child.stderr!.on('data', (b: Buffer) => { err += b; });
      child.on('exit', (code) => fail(new Error(`epo view exited (${code}): ${err}`)));
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    child?.kill('SIGTERM');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs list → run → filtered episodes → episode with labels and weights → compare', async () => {
    await page.goto(`${url}/`);
    expect(await heading()).toBe('Runs');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(9); // alf-a, alf-b, soto, sp and its 5 stage runs
    expect(await page.locator('tr[data-run="alf-b"]').innerText()).toMatch(/alfworld[^]*60[^]*success \d+\.\d% \[\d+\.\d, \d+\.\d\]/);
    await shot('1-runs');

    await follow('a[href="/run?run=alf-b"]', /\/run\?run=alf-b$/);
    expect(await heading()).toBe('alf-b');
    expect(await page.locator('h2').allInnerTexts()).toEqual(expect.arrayContaining(['Per task type', 'Failures', 'Protocol', 'Resolved config']));
    expect(await page.locator('svg.chart').count()).toBeGreaterThan(0);
    await shot('2-run');

    await follow('text=browse the 60 episodes', /\/episodes\?run=alf-b$/);
    expect(await heading()).toBe('Episodes of alf-b');
    // choosing an outcome submits the filter (the page's script); then a weight range through the form
    await Promise.all([page.waitForURL(/success=1/), page.selectOption('select[name=success]', '1')]);
    await page.fill('input[name=wmin]', '0.995');
    await Promise.all([page.waitForURL(/wmin=0.995/), page.click('button:has-text("filter")')]);
    const outcomes = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((t) => t.includes('success'))).toBe(true);
    expect(await page.locator('.pager').first().innerText()).toMatch(/page 1 of 1 · \d+ episodes/);
    await shot('3-episodes-filtered');

    const first = page.locator('tbody tr td:first-child a').first();
    const id = await first.innerText();
    await Promise.all([page.waitForURL(/\/episode\?/), first.click()]);
    expect(await heading()).toBe(id);
    const critical = page.locator('.turn.crit');
    expect(await critical.count()).toBe(1);
    expect(await critical.locator('.head').innerText()).toMatch(/critical[^]*return 1\.990[^]*weight 1\.000/);
    expect(await page.locator('.turn .strategy').count()).toBeGreaterThan(2);
    expect(await page.locator('details summary').first().innerText()).toMatch(/^judge:scripted:judge: rewards \[/);
    await shot('4-episode');

    await page.goto(`${url}/`);
    await page.check('input[value="alf-a"]');
    await page.check('input[value="alf-b"]');
    await follow('button:has-text("compare selected runs")', /\/compare\?runs=alf-a&runs=alf-b$/);
    expect(await heading()).toBe('Compare alf-a · alf-b');
    expect(await page.locator('table').nth(1).innerText()).toMatch(/alf-b − alf-a\s+-?\d+\.\d pts\s+\[-?\d+\.\d, -?\d+\.\d\]\s+60/);
    await shot('5-compare');
    await follow('a:has-text("alf-00003")', /task=alf-00003/);
    await page.locator('h2', { hasText: 'Task alf-00003, side by side' }).waitFor();
    expect(await page.locator('.side > div').count()).toBe(2);
    await shot('6-compare-task');
  });

  it('shows a SOTOPIA episode with both seats and the scores, and the self-play page', async () => {
    await page.goto(`${url}/episode?run=soto&id=${encodeURIComponent('sot-2.self#0')}`);
    expect(await page.locator('.bubble.seat0').count()).toBe(3);
    expect(await page.locator('.bubble.seat1').count()).toBe(3);
    expect(await page.locator('th').allInnerTexts()).toEqual(['dimension', 'Ava Martinez *', 'Noah <Script> Kim *']);
    await shot('7-sotopia');
    await page.goto(`${url}/selfplay?run=sp`);
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('tbody tr').count()).toBe(3);
    await shot('8-selfplay');
  });
});
