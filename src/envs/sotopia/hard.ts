/**
 * SOTOPIA-hard: the official list of 20 (scenario, evaluated seat) entries over 14 scenarios (environment list
 * `01HAK34YPB1H1RWXQDASDKHSNS`, "hard_env_set"). A hard score takes, for every entry, the evaluated seat's scores
 * from every episode of that scenario in which the tested model sat there: 20 entries × 5 character pairs = 100
 * values per trial from a full run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { EpoError } from '../../core/errors.js';

export interface HardEntry {
  scenarioId: string;
  seat: 0 | 1;
}

export const HARD_LIST_ID = '01HAK34YPB1H1RWXQDASDKHSNS';

const OFFICIAL: [string, 0 | 1][] = [
  ['01H7VFHNV13MHN97GAH73E3KM8', 0], ['01H7VFHN5WVC5HKKVBHZBA553R', 0], ['01H7VFHNN7XTR99319DS8KZCQM', 0],
  ['01H7VFHN9W0WAFZCBT09PKJJNK', 1], ['01H7VFHPDZVVCDZR3AARA547CY', 0], ['01H7VFHPQQQY6H4DNC6NBQ8XTG', 0],
  ['01H7VFHPQQQY6H4DNC6NBQ8XTG', 1], ['01H7VFHN7WJK7VWVRZZTQ6DX9T', 0], ['01H7VFHN7A1ZX5KSMT2YN9RXC4', 0],
  ['01H7VFHPS5WJW2694R1MNC8JFY', 1], ['01H7VFHPS5WJW2694R1MNC8JFY', 0], ['01H7VFHNN7XTR99319DS8KZCQM', 1],
  ['01H7VFHQ11NAMZS4A2RDGDB01V', 1], ['01H7VFHQ11NAMZS4A2RDGDB01V', 0], ['01H7VFHPSWGDGEYRP63H2DJKV0', 0],
  ['01H7VFHPSWGDGEYRP63H2DJKV0', 1], ['01H7VFHNF4G18PC9JHGRC8A1R6', 1], ['01H7VFHNNYH3W0VRWVY178K2TK', 0],
  ['01H7VFHP8AN5643B0NR0NP00VE', 1], ['01H7VFHN7A1ZX5KSMT2YN9RXC4', 1],
];

export const OFFICIAL_HARD_LIST: readonly HardEntry[] = OFFICIAL.map(([scenarioId, seat]) => ({ scenarioId, seat }));

/** The 14 scenarios of the hard list, in first-appearance order. */
export const hardScenarioIds = (list: readonly HardEntry[] = OFFICIAL_HARD_LIST): string[] =>
  [...new Set(list.map((e) => e.scenarioId))];

/**
 * Read an environment list (JSONL, redis-om export: `{pk, name, environments[], agent_index[]}`) and return the entries
 * of the list named `id`. Throws with the file and line when the list is missing or malformed.
 */
export function loadHardList(path: string, id = HARD_LIST_ID): HardEntry[] {
  if (!existsSync(path)) throw new EpoError('MISSING_DATA', `environment list file not found`, { where: path });
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const where = `${path}:${i + 1}`;
    let row: { pk?: string; environments?: unknown; agent_index?: unknown };
    try { row = JSON.parse(lines[i]); } catch (e) { throw new EpoError('BAD_DATA', `not valid JSON: ${(e as Error).message}`, { where }); }
    if (row.pk !== id) continue;
    const envs = row.environments, seats = row.agent_index;
    if (!Array.isArray(envs) || !Array.isArray(seats) || envs.length !== seats.length) {
      throw new EpoError('BAD_DATA', 'environments and agent_index must be lists of equal length', { where });
    }
    return envs.map((scenarioId, k) => {
      const seat = Number(seats[k]);
      if (typeof scenarioId !== 'string' || (seat !== 0 && seat !== 1)) {
        throw new EpoError('BAD_DATA', `entry ${k}: expected a scenario id and seat 0 or 1, got ${JSON.stringify([scenarioId, seats[k]])}`, { where });
      }
      return { scenarioId, seat };
    });
  }
  throw new EpoError('MISSING_DATA', `environment list ${id} not found`, { where: path });
}
