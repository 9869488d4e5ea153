/** `epo eval alfworld` end to end over HTTP on 12 valid_seen games in a seeded shuffle (all six types; see helpers/e2e.ts). */
import { dirname } from 'node:path';
import { describe, expect } from 'vitest';
import { AlfworldEnv, loadAlfworldTasks, walkthrough } from '../src/envs/alfworld/index.js';
import { findData } from './helpers/data.js';
import { evalE2E } from './helpers/e2e.js';

const games = findData('alfworld', 'json_2.1.1/valid_seen');
const data = games && dirname(dirname(dirname(games)));
const N = 12;

describe.skipIf(!data)('epo eval alfworld over HTTP (e2e)', () => {
  evalE2E({
    env: 'alfworld',
    select: ['--split', 'valid_seen', '--order', 'shuffle', '--seed', '3', '--limit', String(N), '--data', data!],
    garbageSteps: 6,
    async plans() {
      const tasks = (await loadAlfworldTasks({ split: 'valid_seen', root: data, order: 'shuffle', seed: 3 })).slice(0, N);
      expect(new Set(tasks.map((t) => t.type)).size).toBe(6);
      return Promise.all(tasks.map(async (t) => ({ id: t.id, first: await new AlfworldEnv().reset(t), actions: walkthrough(t) })));
    },
  });
});
