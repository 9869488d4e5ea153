import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinSotopia, loadSotopia, loadSotopiaExtra, tasksOf } from '../../src/envs/sotopia/data.js';
import { hardScenarioIds, loadHardList, OFFICIAL_HARD_LIST } from '../../src/envs/sotopia/hard.js';
import { loadScenarios, parseJsonl, rowSchemas } from '../../src/envs/sotopia/profiles.js';
import { findData } from '../helpers/data.js';

const dir = findData('sotopia', 'environment_profiles.jsonl') ? findData('sotopia') : undefined;

describe.skipIf(!dir)('SOTOPIA data (real files)', () => {
  it('loads 90 scenarios, 40 characters, 120 relationships, 450 tasks (5 per scenario)', () => {
    const d = loadSotopia(dir!);
    expect([d.scenarios.size, d.characters.size, d.relationships.length, d.combos.length]).toEqual([90, 40, 120, 450]);
    const perScenario = new Map<string, number>();
    for (const c of d.combos) perScenario.set(c.scenarioId, (perScenario.get(c.scenarioId) ?? 0) + 1);
    expect(new Set(perScenario.values())).toEqual(new Set([5]));
    expect(d.version).toMatch(/^sotopia-[0-9a-f]{12}$/);
    const divide = d.scenarios.get('01H7VFHP3DPGRXH1Y500VQKFZA')!;
    expect(divide.codename).toBe('divide_things');
    expect(divide.relationship).toBe('friend');
    expect(divide.goals[0]).toContain('Books give you 5 points each');
    const amara = d.characters.get('01H5TNE5PRCAF1CK5ERS5MVZ22')!;
    expect([amara.firstName, amara.age, amara.gender, amara.moralValues]).toEqual(['Amara', 29, 'Woman', ['Care', 'Fairness']]);
  });

  it('hard: the list file equals the built-in official list; 14 scenarios, 70 tasks', () => {
    const fromFile = loadHardList(join(dir!, 'hard', 'environment_lists.jsonl'));
    expect(fromFile).toEqual(OFFICIAL_HARD_LIST);
    expect(OFFICIAL_HARD_LIST).toHaveLength(20);
    expect(hardScenarioIds()).toHaveLength(14);
    const d = loadSotopia(dir!);
    const hard = tasksOf(d, 'hard');
    expect(hard).toHaveLength(70);
  });

  const publishedHard = findData('sotopia', 'hard/sotopia_hard_env_agent_combos.jsonl');
  it.skipIf(!publishedHard)('the 70 hard tasks are exactly the published hard combos', () => {
    const published = parseJsonl(readFileSync(publishedHard!, 'utf8'), rowSchemas.combo, publishedHard!);
    expect(new Set(tasksOf(loadSotopia(dir!), 'hard').map((c) => c.id))).toEqual(new Set(published.map((c) => c.id)));
  });
});

describe.skipIf(!dir || !findData('sotopia', 'extra/redis_json_data.json'))('extra scenarios (training)', () => {
  it('loads 303 scenarios and 2,760 tasks, none of them benchmark scenarios, with the benchmark characters', () => {
    const x = loadSotopiaExtra(dir!);
    const b = loadSotopia(dir!);
    expect([x.scenarios.size, x.combos.length, x.characters.size]).toEqual([303, 2760, 40]);
    expect([...x.scenarios.keys()].some((id) => b.scenarios.has(id))).toBe(false);
    expect(x.scenarios.get('01HER99VF9A47W18Y280CFS3BQ')?.codename).toBe('music_competition');
    expect(x.version).toMatch(/^sotopia-extra-/);
  });
});

describe('SOTOPIA loaders', () => {
  it('names the file, line and field of a bad record', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sot-'));
    const p = join(tmp, 'environment_profiles.jsonl');
    writeFileSync(p, `{"env_id":"a","scenario":"s","agent_goals":["x","y"],"relationship":"3"}\n\n{"env_id":"b","scenario":"s","agent_goals":["x"],"relationship":"3"}\n`);
    expect(() => loadScenarios(p)).toThrow(`agent_goals: agent_goals must hold exactly two goals (at ${p}:3)`);
    writeFileSync(p, `{"env_id":"a","scenario":"s","agent_goals":["x","y"],"relationship":"9"}\n`);
    expect(() => loadScenarios(p)).toThrow(/relationship must be 0..5.*got "9".*:1\)/);
    writeFileSync(p, `{"env_id":"a",\n`);
    expect(() => loadScenarios(p)).toThrow(/not valid JSON.*:1\)/);
  });

  it('reports a missing data folder with the install command', () => {
    expect(() => loadSotopia('/nonexistent/sotopia')).toThrow(/epo data install sotopia/);
  });

  it('the built-in set is consistent and has no hard list', () => {
    const d = builtinSotopia();
    expect(d.combos.length).toBeGreaterThanOrEqual(4);
    expect(new Set([...d.scenarios.values()].map((s) => s.relationship)).size).toBeGreaterThanOrEqual(4);
    expect(d.hard).toEqual([]);
  });
});
