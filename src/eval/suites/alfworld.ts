/**
 * The ALFWorld suite: games of a split in a fixed order, a fresh engine per episode, 40 steps by default, and a
 * one-shot example per task type built by playing a walkthrough of a game from the training games (never the
 * evaluated split).
 */
import { alfworldThought, playExample } from '../../agents/icl.js';
import { alfworldPrompts } from '../../agents/prompts/alfworld.js';
import type { Example } from '../../agents/roles.js';
import { EpoError } from '../../core/errors.js';
import { readManifest } from '../../data/dir.js';
import { hashString } from '../../core/random.js';
import { AlfworldEnv, loadAlfworldTasks, walkthrough, type AlfworldTask } from '../../envs/alfworld/index.js';
import { alfworldOutcome } from '../alfworld.js';
import type { Suite, SuiteOptions } from '../suite.js';

export interface AlfworldSuiteOptions extends SuiteOptions {
  /** Where the example games come from (default valid_train, else the first game of each type in the split). */
  exampleSplit?: string;
}

export async function alfworldSuite(o: AlfworldSuiteOptions): Promise<Suite<AlfworldTask>> {
  const split = o.split ?? 'valid_unseen';
  const all = await loadAlfworldTasks({ split, types: o.types, root: o.data, order: o.order, seed: o.seed });
  if (all.length === 0) throw new EpoError('MISSING_DATA', `ALFWorld split ${split} has no games${o.types ? ` of types ${o.types.join(', ')}` : ''}`, { where: '--split' });
  const tasks = o.limit ? all.slice(0, o.limit) : all;
  const examples = new Map<string, Example>();
  let exampleName = 'none';
  if (o.example) {
    const exampleSplit = o.exampleSplit ?? 'valid_train';
    const pool = await loadAlfworldTasks({ split: exampleSplit, root: o.data });
    const names: string[] = [];
    for (const type of new Set(tasks.map((t) => t.type))) {
      const game = pool.find((t) => t.type === type);
      if (!game) throw new EpoError('MISSING_DATA', `no ${type} game in ${exampleSplit} to build the one-shot example from`, { where: exampleSplit });
      examples.set(type, await playExample<AlfworldTask>(new AlfworldEnv(), game, walkthrough(game), alfworldThought));
      names.push(`${exampleSplit}/${game.id}`);
    }
    exampleName = names.sort().join(',');
  }
  return {
    env: 'alfworld', split, tasks,
    selection: [o.order && o.order !== 'reference' ? `order ${o.order}${o.order === 'shuffle' ? ` (seed ${o.seed})` : ''}` : '', o.types ? `types ${o.types.join(',')}` : ''].filter(Boolean).join('; ') || undefined, prompts: alfworldPrompts, maxSteps: 40, exampleName,
    dataVersion: `${readManifest('alfworld', o.data)?.version ?? 'alfworld'} ${split}:${all.length}:${hashString(all.map((t) => t.id).join('\n')).toString(16)}`,
    makeEnv: () => new AlfworldEnv(),
    example: (t) => examples.get(t.type),
    outcome: alfworldOutcome,
    taskRecord: (t) => ({ id: t.id, type: t.type, gamefile: t.gamefile, instruction: t.instruction }),
  };
}
