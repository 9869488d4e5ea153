/** `epo episodes import`: one protocol per run, no silent overwrite, labels kept, all or nothing, clear errors. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed } from '../src/core/random.js';
import { mergeRuns } from '../src/store/merge.js';
import { RunStore } from '../src/store/run-store.js';
import { makeEpisode } from './helpers/episodes.js';
import { epo, evalEpisode, makeRun, writeJsonl } from './helpers/store-cli.js';

const runs = mkdtempSync(join(tmpdir(), 'epo-import-'));
const store = (run: string) => RunStore.open(join(runs, run, 'epo.sqlite'));
const count = (run: string) => { const s = store(run); try { return s.countEpisodes(); } finally { s.close(); } };
const labelCount = (run: string) => { const s = store(run); try { return s.labelers().reduce((a, l) => a + l.count, 0); } finally { s.close(); } };
const label = (run: string, id: string) => { const s = store(run); try { s.putLabel(id, { labeler: 'env', rewards: [0, 1, 0] }); } finally { s.close(); } };

describe('epo episodes import', () => {
  beforeAll(() => { process.env.EPO_RUNS_DIR = runs; });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; rmSync(runs, { recursive: true, force: true }); });

  it('refuses episodes of another protocol (epo-mode episodes into an actor-only run), names the line, keeps the run', async () => {
    makeRun(runs, 'ao', 'actor-only', 6);
    label('ao', 'task-0#0');
    // ids 0..8: six collide with the run's (they would replace its episodes), three are new ("9 of 6 episodes")
    const file = writeJsonl(join(runs, 'epo.jsonl'), Array.from({ length: 9 }, (_, i) => evalEpisode(i, 'epo', 'ep')));
    const r = await epo(['episodes', 'import', '--run', 'ao', '--in', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[BAD_INPUT\]: .*another protocol/);
    expect(r.err).toContain(`${file}:1`);
    expect(r.err).toContain('models');
    expect(count('ao')).toBe(6);
    expect(labelCount('ao')).toBe(1);
    const rep = await epo(['runs', 'report', '--run', 'ao']);
    expect(rep.out).toContain('6 of 6 episodes');
  });

  it('skips episodes whose id is already stored (labels kept) and says how many', async () => {
    makeRun(runs, 'skip', 'actor-only', 3);
    label('skip', 'task-1#0');
    const changed = evalEpisode(1, 'actor-only', 'other', { outcome: { reward: 0, success: false, reason: 'max_steps' } });
    const file = writeJsonl(join(runs, 'skip.jsonl'), [changed, evalEpisode(3, 'actor-only', 'other')]);
    const r = await epo(['episodes', 'import', '--run', 'skip', '--in', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('imported 1 episodes into run skip');
    expect(r.out).toMatch(/skipped 1 episodes? already in the run.*--replace/);
    expect(count('skip')).toBe(4);
    expect(labelCount('skip')).toBe(1);
    const s = store('skip');
    expect(s.getEpisode('task-1#0')!.outcome.success).toBe(true); // the stored one, not the file's
    s.close();
  });

  it('--replace overwrites stored ids and reports the labels it drops with them', async () => {
    makeRun(runs, 'repl', 'actor-only', 3);
    label('repl', 'task-1#0');
    label('repl', 'task-2#0');
    const changed = evalEpisode(1, 'actor-only', 'other', { outcome: { reward: 0, success: false, reason: 'max_steps' } });
    const file = writeJsonl(join(runs, 'repl.jsonl'), [changed]);
    const r = await epo(['episodes', 'import', '--run', 'repl', '--in', file, '--replace']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('replaced 1');
    expect(r.out).toMatch(/dropped 1 labels? of the replaced episodes/);
    const s = store('repl');
    expect(s.getEpisode('task-1#0')!.outcome.success).toBe(false);
    expect(s.getLabel('task-1#0', 'env')).toBeUndefined();
    expect(s.getLabel('task-2#0', 'env')).toBeDefined();
    s.close();
  });

  it('refuses a file that mixes protocols, even into a new run (and leaves no run behind)', async () => {
    const file = writeJsonl(join(runs, 'mixed.jsonl'), [evalEpisode(0, 'actor-only'), evalEpisode(1, 'epo')]);
    const r = await epo(['episodes', 'import', '--run', 'mixed', '--in', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:2`);
    expect(existsSync(join(runs, 'mixed'))).toBe(false);
  });

  it('imports nothing when any line is bad, also after more than 500 good lines (one transaction)', async () => {
    makeRun(runs, 'atomic', 'actor-only', 1);
    const good = Array.from({ length: 600 }, (_, i) => evalEpisode(i + 1, 'actor-only'));
    const file = writeJsonl(join(runs, 'atomic.jsonl'), [...good, '{"id": "broken"']);
    const r = await epo(['episodes', 'import', '--run', 'atomic', '--in', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:601`);
    expect(count('atomic')).toBe(1);
  });

  it('names the line and the field of a wrongly typed field', async () => {
    const e = evalEpisode(0, 'actor-only');
    const turns = writeJsonl(join(runs, 'turns.jsonl'), [e, { ...e, id: 'x#0', turns: 'three turns' }]);
    let r = await epo(['episodes', 'import', '--run', 'typed', '--in', turns]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[BAD_DATA\]: .*turns/);
    expect(r.err).toContain(`${turns}:2`);
    const trial = writeJsonl(join(runs, 'trial.jsonl'), [{ ...e, trial: '0' }]);
    r = await epo(['episodes', 'import', '--run', 'typed', '--in', trial]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[BAD_DATA\]: .*trial/);
    expect(r.err).toContain(`${trial}:1`);
    expect(existsSync(join(runs, 'typed'))).toBe(false);
  });

  it('a missing input file is NOT_FOUND and leaves no run folder behind', async () => {
    const r = await epo(['episodes', 'import', '--run', 'ghost', '--in', join(runs, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error \[NOT_FOUND\]: .*nope\.jsonl/);
    expect(existsSync(join(runs, 'ghost'))).toBe(false);
  });

  it('imports into a new run, then again into it (idempotent)', async () => {
    const eps = [0, 1, 2].map((i) => evalEpisode(i, 'epo', 'src'));
    const file = writeJsonl(join(runs, 'fresh.jsonl'), eps);
    let r = await epo(['episodes', 'import', '--run', 'fresh', '--in', file]);
    expect(r.out).toContain('imported 3 episodes into run fresh');
    r = await epo(['episodes', 'import', '--run', 'fresh', '--in', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('imported 0 episodes into run fresh');
    expect(r.out).toContain('skipped 3');
    const s = store('fresh');
    expect([...s.episodes()]).toEqual(eps);
    s.close();
    // a later file of another protocol does not fit the run the first import made
    const other = writeJsonl(join(runs, 'fresh2.jsonl'), [evalEpisode(5, 'actor-only')]);
    r = await epo(['episodes', 'import', '--run', 'fresh', '--in', other]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${other}:1`);
  });

  it('gathers the shards of a SOTOPIA evaluation into one run, and refuses another configuration', async () => {
    const models = { actor: { spec: 'scripted:sotopia', temperature: 0.7 }, partner: { spec: 'scripted:sotopia', temperature: 0.7 }, evaluator: { spec: 'scripted:judge', temperature: 0 } };
    const episode = (i: number, over: Partial<ReturnType<typeof makeEpisode>> = {}) =>
      makeEpisode(i, { env: 'sotopia', dataVersion: 's1', models, seed: deriveSeed(0, `task-${i}`, 0), ...over });
    const s = store('soto');
    s.setMeta('sotopia', { env: 'sotopia', models, seed: 0, trials: 1, dataVersion: 's1', shard: '0/2' });
    s.putEpisode(episode(0));
    s.close();
    const shard1 = writeJsonl(join(runs, 'soto1.jsonl'), [episode(1), episode(3)]);
    expect((await epo(['episodes', 'import', '--run', 'soto', '--in', shard1])).out).toContain('imported 2 episodes');
    const judged = writeJsonl(join(runs, 'soto2.jsonl'), [episode(5, { models: { ...models, evaluator: { spec: 'openai:gpt-4o', temperature: 0 } } })]);
    const r = await epo(['episodes', 'import', '--run', 'soto', '--in', judged]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/models .*evaluator openai:gpt-4o/);
    expect(count('soto')).toBe(3);
  });

  it('`runs merge` refuses runs whose episodes were made under other protocols, also without a protocol record', async () => {
    for (const [name, mode] of [['imp-a', 'epo'], ['imp-b', 'actor-only']] as const) {
      const file = writeJsonl(join(runs, `${name}.jsonl`), [evalEpisode(0, mode), evalEpisode(1, mode)]);
      expect((await epo(['episodes', 'import', '--run', name, '--in', file])).code).toBe(0);
    }
    expect(() => mergeRuns('imp-ab', ['imp-a', 'imp-b'], runs)).toThrow(/run "imp-b" was made with another protocol than run "imp-a"/);
    expect(existsSync(join(runs, 'imp-ab'))).toBe(false);
  });
});
