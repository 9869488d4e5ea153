/**
 * The SOTOPIA dataset: install (from a local folder or its public source) and load into one indexed value.
 *
 * Public source: the four profile files the SOTOPIA authors publish with their demo Space on Hugging Face,
 * https://huggingface.co/spaces/cmu-lti/sotopia-space/tree/main/profiles (CC-BY-SA 4.0), which hold the same 90
 * scenarios, 40 characters, 120 relationships and 450 tasks as the benchmark's Redis dump. The hard list (20 entries)
 * is built into `hard.ts`; a folder install also copies `hard/environment_lists.jsonl` when present, and the loader
 * prefers it.
 *
 * Installed layout (`<dataDir>/sotopia/`): environment_profiles.jsonl, agent_profiles.jsonl,
 * relationship_profiles.jsonl, env_agent_combo_storages.jsonl, [hard/environment_lists.jsonl],
 * [extra/redis_json_data.json] (folder installs only: training scenarios), manifest.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import type { Manifest } from '../../data/dir.js';
import { copyFolder, download } from '../../data/fetch.js';
import { file, installable, listFiles } from '../../data/install.js';
import { BUILTIN_CHARACTERS, BUILTIN_COMBOS, BUILTIN_RELATIONSHIPS, BUILTIN_SCENARIOS } from './builtin.js';
import { hardScenarioIds, loadHardList, OFFICIAL_HARD_LIST, type HardEntry } from './hard.js';
import type { z } from 'zod';
import {
  loadCharacters, loadCombos, loadRelationships, loadScenarios, rowSchemas,
  type Character, type Combo, type RelationshipProfile, type Scenario,
} from './profiles.js';

export const SOTOPIA_FILES = {
  scenarios: 'environment_profiles.jsonl',
  characters: 'agent_profiles.jsonl',
  relationships: 'relationship_profiles.jsonl',
  combos: 'env_agent_combo_storages.jsonl',
} as const;
export const HARD_LIST_FILE = 'hard/environment_lists.jsonl';
/** Optional: 303 further scenarios and 2,760 tasks (redis-om JSON export), disjoint from the benchmark; for training. */
export const EXTRA_FILE = 'extra/redis_json_data.json';

const PUBLIC_BASE = 'https://huggingface.co/spaces/cmu-lti/sotopia-space/resolve/main/profiles';

export interface SotopiaData {
  /** Recorded with runs: `sotopia-<content hash>` or `builtin`. */
  version: string;
  scenarios: Map<string, Scenario>;
  characters: Map<string, Character>;
  relationships: RelationshipProfile[];
  combos: Combo[];
  hard: HardEntry[];
}

/** Check every task refers to a known scenario and characters, naming the first broken one. */
function index(version: string, scenarios: Scenario[], characters: Character[], relationships: RelationshipProfile[], combos: Combo[], hard: HardEntry[], where: string): SotopiaData {
  const data: SotopiaData = {
    version, scenarios: new Map(scenarios.map((s) => [s.id, s])), characters: new Map(characters.map((c) => [c.id, c])),
    relationships, combos, hard,
  };
  for (const c of combos) {
    if (!data.scenarios.has(c.scenarioId)) throw new EpoError('BAD_DATA', `task ${c.id} names unknown scenario ${c.scenarioId}`, { where });
    for (const id of c.characterIds) if (!data.characters.has(id)) throw new EpoError('BAD_DATA', `task ${c.id} names unknown character ${id}`, { where });
  }
  return data;
}

export function loadSotopia(dir: string): SotopiaData {
  if (!existsSync(join(dir, SOTOPIA_FILES.scenarios))) {
    throw new EpoError('MISSING_DATA', 'SOTOPIA data not found; run `epo data install sotopia [--from DIR]`, or use --tasks builtin', { where: dir });
  }
  const h = createHash('sha256');
  for (const f of Object.values(SOTOPIA_FILES)) h.update(readFileSync(join(dir, f)));
  const hardPath = join(dir, HARD_LIST_FILE);
  const hard = existsSync(hardPath) ? loadHardList(hardPath) : [...OFFICIAL_HARD_LIST];
  return index(`sotopia-${h.digest('hex').slice(0, 12)}`,
    loadScenarios(join(dir, SOTOPIA_FILES.scenarios)), loadCharacters(join(dir, SOTOPIA_FILES.characters)),
    loadRelationships(join(dir, SOTOPIA_FILES.relationships)), loadCombos(join(dir, SOTOPIA_FILES.combos)), hard, dir);
}

/** The project's own small set (no hard list). */
export const builtinSotopia = (): SotopiaData =>
  index('builtin', BUILTIN_SCENARIOS, BUILTIN_CHARACTERS, BUILTIN_RELATIONSHIPS, BUILTIN_COMBOS, [], 'builtin');

/**
 * The extra scenarios (training, never benchmark): scenarios and tasks from the redis-om export, characters from the
 * benchmark's profiles (the same 40; the export's copies have mangled value lists).
 */
export function loadSotopiaExtra(dir: string): SotopiaData {
  const path = join(dir, EXTRA_FILE);
  if (!existsSync(path)) throw new EpoError('MISSING_DATA', `the extra SOTOPIA scenarios are not installed (install with --from a folder holding ${EXTRA_FILE})`, { where: path });
  const base = loadSotopia(dir);
  const text = readFileSync(path, 'utf8');
  let obj: Record<string, unknown>;
  try { obj = JSON.parse(text); } catch (e) { throw new EpoError('BAD_DATA', `not valid JSON: ${(e as Error).message}`, { where: path }); }
  const scenarios: Scenario[] = [], combos: Combo[] = [];
  for (const [key, value] of Object.entries(obj)) {
    const where = `${path} (key ${key})`;
    const parse = <T>(schema: z.ZodType<T>): T => {
      const r = schema.safeParse(value);
      if (!r.success) throw new EpoError('BAD_DATA', `bad record: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { where });
      return r.data;
    };
    if (key.includes('.EnvironmentProfile:')) scenarios.push(parse(rowSchemas.scenario));
    else if (key.includes('.EnvAgentComboStorage:')) combos.push(parse(rowSchemas.combo));
  }
  const benchmark = new Set(base.scenarios.keys());
  const own = scenarios.filter((s) => !benchmark.has(s.id));
  const ownIds = new Set(own.map((s) => s.id));
  const h = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return index(`sotopia-extra-${h}`, own, [...base.characters.values()], base.relationships, combos.filter((c) => ownIds.has(c.scenarioId)), [], path);
}

export type TaskSet = 'all' | 'hard' | 'builtin' | 'extra';

/** The tasks of a set: all 450, the 70 of the 14 hard scenarios, or the built-in ones. */
export function tasksOf(data: SotopiaData, set: TaskSet): Combo[] {
  if (set !== 'hard') return data.combos;
  const hard = new Set(hardScenarioIds(data.hard));
  return data.combos.filter((c) => hard.has(c.scenarioId));
}

export const sotopiaSource = installable({
  name: 'sotopia',
  description: 'SOTOPIA: 90 social scenarios, 40 characters, 450 tasks, and the 20-entry hard list',
  sources: [
    `${PUBLIC_BASE}/{${Object.values(SOTOPIA_FILES).join(',')}} (sotopia-lab, CC-BY-SA 4.0)`,
    'hard list 01HAK34YPB1H1RWXQDASDKHSNS: built in (from the SOTOPIA benchmark database)',
  ],
  async stage(o) {
    if (o.from) {
      const wanted = new Set<string>([...Object.values(SOTOPIA_FILES), HARD_LIST_FILE, EXTRA_FILE]);
      copyFolder(o.from, o.dir, (rel) => wanted.has(rel.split('\\').join('/')));
      return o.from;
    }
    for (const f of Object.values(SOTOPIA_FILES)) {
      o.log.info(`downloading ${PUBLIC_BASE}/${f}`);
      await download({ url: `${PUBLIC_BASE}/${f}` }, join(o.dir, f));
    }
    return PUBLIC_BASE;
  },
  required: () => [
    file(SOTOPIA_FILES.scenarios, 'scenarios'), file(SOTOPIA_FILES.characters, 'characters'),
    file(SOTOPIA_FILES.relationships, 'relationships'), file(SOTOPIA_FILES.combos, 'tasks'),
  ],
  describe(o, source): Manifest {
    const data = loadSotopia(o.dir); // validates what was installed
    o.log.info(`sotopia: ${data.scenarios.size} scenarios, ${data.characters.size} characters, ${data.combos.length} tasks, hard list of ${data.hard.length}`);
    const list = listFiles(o.dir);
    return {
      dataset: 'sotopia', version: data.version, source, installedAt: new Date().toISOString(),
      files: list.length, bytes: list.reduce((n, f) => n + statSync(join(o.dir, f)).size, 0),
      scenarios: data.scenarios.size, characters: data.characters.size, tasks: data.combos.length, hardEntries: data.hard.length,
    };
  },
});
