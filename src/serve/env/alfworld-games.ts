/**
 * ALFWorld's game indices as AgentGym numbers them: `mappings_train.json` (indices 0–2419, games of the `train`
 * split) followed by `mappings_test.json` (2420–2619, games of `valid_train`), each entry naming a task folder and
 * trial. epo installs both files under `<data>/alfworld/splits/agentgym/`; a game whose split is not installed is
 * reported when reset to it, not at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';

export interface AgentGymGame {
  /** The json_2.1.1 split folder the game lives in. */
  split: 'train' | 'valid_train';
  taskType: string;
  trial: string;
}

interface MappingEntry { item_id: number; task_type: string; task_id: string }

/** The games of both mapping files in index order; each entry's item_id must equal its index. */
export function parseMappings(train: unknown, test: unknown, where: string): AgentGymGame[] {
  const out: AgentGymGame[] = [];
  for (const [list, split] of [[train, 'train'], [test, 'valid_train']] as const) {
    if (!Array.isArray(list)) throw new EpoError('BAD_DATA', 'an AgentGym mapping file is not a JSON list', { where });
    for (const e of list as MappingEntry[]) {
      if (e?.item_id !== out.length || typeof e.task_type !== 'string' || typeof e.task_id !== 'string') {
        throw new EpoError('BAD_DATA', `AgentGym mapping entry ${out.length} is not {item_id: ${out.length}, task_type, task_id}`, { where });
      }
      out.push({ split, taskType: e.task_type, trial: e.task_id });
    }
  }
  return out;
}

export function loadAgentGymGames(alfworldDir: string): AgentGymGame[] {
  const dir = join(alfworldDir, 'splits', 'agentgym');
  const read = (name: string) => {
    const p = join(dir, name);
    if (!existsSync(p)) throw new EpoError('MISSING_DATA', `AgentGym's ALFWorld game mapping ${name} is not installed; run: epo data install alfworld [--from DIR]`, { where: p });
    try { return JSON.parse(readFileSync(p, 'utf8')) as unknown; } catch (e) {
      throw new EpoError('BAD_DATA', `cannot read JSON: ${(e as Error).message}`, { where: p, cause: e });
    }
  };
  return parseMappings(read('mappings_train.json'), read('mappings_test.json'), dir);
}

export const gameFile = (alfworldDir: string, g: AgentGymGame): string =>
  join(alfworldDir, 'json_2.1.1', g.split, g.taskType, g.trial, 'game.tw-pddl');

/** AgentGym's `task_type` in a reset reply: the game file's task folder and trial. */
export const taskTypeOf = (g: AgentGymGame): string => `${g.taskType}/${g.trial}`;

/** AgentGym's step observation: the old wording's "You arrive at loc N. " prefix removed. */
export function processObservation(ob: string): string {
  return ob.startsWith('You arrive at loc ') ? ob.slice(ob.indexOf('. ') + 2) : ob;
}

/** AgentGym's reset observation: the welcome paragraph dropped, the other paragraphs joined by single newlines. */
export function resetObservation(raw: string): string {
  return raw.split('\n\n').slice(1).join('\n');
}
