/** `epo replay`: an actions file that is missing or a folder is a clear error naming it, found before any loading. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerReplay } from '../src/cli/commands/replay.js';

const replay = (args: string[]) => {
  const p = new Command('epo').exitOverride();
  registerReplay(p);
  return p.parseAsync(['node', 'epo', 'replay', ...args]);
};

describe('epo replay --actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epo-replay-'));
  const missing = join(dir, 'missing-file');

  it('names a missing actions file (NOT_FOUND), for ALFWorld and for WebShop before the catalogue is loaded', async () => {
    await expect(replay(['alfworld', '--game', join(dir, 'game.tw-pddl'), '--actions', missing])).rejects.toMatchObject({
      code: 'NOT_FOUND', message: `the actions file ${missing} does not exist; give a file with one action per line, or - for standard input (at --actions ${missing})`,
    });
    await expect(replay(['webshop', '--root', join(dir, 'no-webshop'), '--goal', '0', '--actions', missing])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a folder as the actions file', async () => {
    await expect(replay(['alfworld', '--game', join(dir, 'game.tw-pddl'), '--actions', dir])).rejects.toMatchObject({
      code: 'BAD_INPUT', message: expect.stringContaining(`${dir} is a folder; give a file with one action per line`),
    });
  });
});
