import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webshopRoot } from './world.js';

describe.skipIf(!webshopRoot)('epo replay webshop', () => {
  it('prints a JSON line per step and the reward with its parts', () => {
    const actions = ['search[palmer lotion]', 'click[b087y28xlm]', 'click[fresh]', 'click[10.6 fl oz (pack of 1)]', 'click[nothing here]', 'click[buy now]'].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', 'webshop', '--root', webshopRoot!, '--goal', '2141', '--actions', '-'], {
      input: actions, encoding: 'utf8', env: { ...process.env, EPO_DATA_DIR: mkdtempSync(join(tmpdir(), 'epo-cli-')) },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ step: 0, task: 'webshop/synthetic/2141', page: 'search', clickables: ['search'] });
    expect(lines[2]).toMatchObject({ step: 2, page: 'item' });
    expect(lines[5]).toMatchObject({ step: 5, invalid: true, page: 'item' });
    expect(lines[6]).toMatchObject({ step: 6, page: 'done', reward: 5 / 6, done: true });
    expect(lines[7]).toMatchObject({ final: true, reward: 5 / 6, asin: 'B087Y28XLM', options: { scent: 'fresh', size: '10.6 fl oz (pack of 1)' } });
    expect(lines[7].parts).toMatchObject({ missed_options: ['scent: butter'], r_price: true, r_type: 1 });
  });

  it('names the bad field of a JSON goal', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', 'webshop', '--root', webshopRoot!, '--goal', '{"asin":"B087Y28XLM","instruction_text":"x","attributes":"oops","goal_options":[],"price_upper":10}', '--actions', '-'], {
      input: '', encoding: 'utf8', env: { ...process.env, EPO_DATA_DIR: mkdtempSync(join(tmpdir(), 'epo-cli-')) },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('attributes');
  });
});
