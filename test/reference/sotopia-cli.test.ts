/**
 * `epo eval sotopia --protocol reference` in process on a built-in task: the reference's rules and request layout,
 * a partner strategist by default, the protocol recorded in the run configuration, the summary and every episode,
 * and a run started under one protocol refused under the other. The installed extracts are staged in a temporary
 * data root from the release's .py files (the installer is another part of the work).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSotopia } from '../../src/cli/commands/eval-sotopia.js';
import { registerLabel } from '../../src/cli/commands/label.js';
import { registerScriptedModel } from '../../src/llm/named-scripts.js';
import { scriptedModel } from '../../src/llm/scripted.js';
import { REFERENCE_EXTRACTS } from '../../src/reference/extracts.js';
import { RunStore } from '../../src/store/run-store.js';
import { captured } from '../helpers/output.js';
import { findData } from '../helpers/data.js';

// the release's files as installed (or the development copy); absent: every test here is skipped with a printed reason
const RELEASE = findData('epo-reference', 'Sotopia/sotopia/generation_utils/generate.py') && findData('epo-reference', 'LLaMA-Factory/data/utils/prm.py') && findData('epo-reference');
const DIMS = ['believability', 'relationship', 'knowledge', 'secret', 'social_rules', 'financial_and_material_benefits', 'goal'];
const requests: string[][] = [];

// one model for every role, telling them apart by the format each request asks for
registerScriptedModel('test-ref-sotopia', (_o, spec) => scriptedModel((req) => {
  const text = req.messages.map((m) => m.content).join('\n');
  requests.push(req.messages.map((m) => m.role));
  if (text.includes('agent_1_evaluation')) return JSON.stringify({ agent_1_evaluation: Object.fromEntries(DIMS.map((d) => [d, ['ok', d === 'goal' ? 6 : 0]])), agent_2_evaluation: Object.fromEntries(DIMS.map((d) => [d, ['ok', d === 'goal' ? 4 : 0]])) });
  if (text.includes('"action_type"')) return '{"action_type": "speak", "argument": "hello"}';
  return 'Strategy: be kind';
}, { spec }));

// the release's judge answers: seat 0's judgement picks position 1, seat 1's is not JSON
registerScriptedModel('test-ref-judge', (_o, spec) => scriptedModel((req) => (/^Here's a conversation in JSON format between Ines /.test(req.messages[0].content) ? '{"indexes": [1], "reasoning": "r"}' : 'no idea'), { spec }));

async function label(args: string[]) {
  const program = new Command('epo').enablePositionalOptions().exitOverride();
  registerLabel(program);
  return captured(() => program.parseAsync(['node', 'epo', 'label', ...args]));
}

async function epo(args: string[]) {
  const program = new Command('epo').enablePositionalOptions().exitOverride();
  registerSotopia(program);
  return captured(() => program.parseAsync(['node', 'epo', 'eval', 'sotopia', '--tasks', 'builtin', '--limit', '1', ...args]));
}

describe.skipIf(!RELEASE)('epo eval sotopia --protocol reference', () => {
  const root = mkdtempSync(join(tmpdir(), 'sot-ref-'));
  const runs = join(root, 'runs'), data = join(root, 'data');
  const saved = process.env.EPO_DATA_DIR;
  beforeAll(() => {
    for (const x of REFERENCE_EXTRACTS) {
      const to = join(data, 'epo-reference', x.to);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, x.extract(readFileSync(join(RELEASE!, x.from), 'utf8')));
    }
    process.env.EPO_RUNS_DIR = runs; process.env.EPO_DATA_DIR = data;
  });
  afterAll(() => { delete process.env.EPO_RUNS_DIR; process.env.EPO_DATA_DIR = saved; rmSync(root, { recursive: true, force: true }); });

  it('plays 21 actions with both seats guided, records the protocol, and refuses to resume the run under epo', async () => {
    const m = 'scripted:test-ref-sotopia';
    const r = await epo(['--model', m, '--strategist', m, '--evaluator', m, '--run', 'ref', '--protocol', 'reference']);
    expect(r.error).toBeUndefined();
    const st = RunStore.open(join(runs, 'ref', 'epo.sqlite'));
    const [e] = [...st.episodes()];
    const config = st.getMeta<Record<string, unknown>>('sotopia');
    st.close();
    expect(e.turns).toHaveLength(21);
    expect(e.turns.every((t) => t.strategist)).toBe(true); // the partner seat too
    expect((e.task as { protocol?: string }).protocol).toBe('reference');
    expect(config?.evalProtocol).toBe('reference');
    expect((config?.rules as { maxTurns: number }).maxTurns).toBe(21);
    expect(e.turns[0].actor!.input).toHaveLength(1);
    expect(e.turns[0].strategist!.input).toEqual([expect.objectContaining({ role: 'user' })]);
    expect(requests.every((roles) => !roles.includes('system'))).toBe(true);
    const summary = JSON.parse(readFileSync(join(runs, 'ref', 'sotopia-summary.json'), 'utf8')) as { evalProtocol?: string; table: string };
    expect(summary.evalProtocol).toBe('reference');
    expect(summary.table).toContain('protocol reference');

    const again = await epo(['--model', m, '--strategist', m, '--evaluator', m, '--run', 'ref']);
    expect(String(again.error)).toMatch(/different configuration/);
  });

  it('runs offline with scripted:sotopia in every role (it tells the reference requests apart)', async () => {
    const m = 'scripted:sotopia?goal=8';
    const r = await epo(['--model', m, '--strategist', m, '--evaluator', m, '--run', 'scripted', '--protocol', 'reference']);
    expect(r.error).toBeUndefined();
    const st = RunStore.open(join(runs, 'scripted', 'epo.sqlite'));
    const [e] = [...st.episodes()];
    st.close();
    expect(e.outcome).toMatchObject({ evaluated: true, reason: 'max_turns' });
    expect(e.outcome.reward).toBeCloseTo(0.8, 10);
    expect(new Set(e.turns.map((t) => t.info?.strategy))).toEqual(new Set([`Strategy: make progress on turn 0`]));
    expect(e.turns.every((t) => t.info?.actionType === 'speak')).toBe(true);
  });

  it('epo label --protocol reference: one request per seat, a failed judgement keeps the episode with its outcome only', async () => {
    const r = await label(['--run', 'scripted', '--judge', 'scripted:test-ref-judge', '--protocol', 'reference', '--no-cache']);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/labelled 1 episodes with judge:scripted:test-ref-judge \(0 already labelled or over the limit, 0 failed\); 1 of 21 strategist turns critical/);
    expect(r.out).toMatch(/2 calls .* 1 unusable samples/);
    const st = RunStore.open(join(runs, 'scripted', 'epo.sqlite'));
    const [e] = [...st.episodes()];
    const l = st.getLabel(e.id, 'judge:scripted:test-ref-judge')!;
    st.close();
    expect(l).toMatchObject({ critical: [0], protocol: 'reference', failed: 'seat 1: the answer holds no {…} object' });
  });

  it('names the missing install when the reference files are absent', async () => {
    process.env.EPO_DATA_DIR = join(root, 'empty');
    try {
      const r = await epo(['--model', 'scripted:test-ref-sotopia', '--evaluator', 'scripted:test-ref-sotopia', '--run', 'none', '--protocol', 'reference']);
      expect(String(r.error)).toMatch(/epo data install epo-reference/);
    } finally { process.env.EPO_DATA_DIR = data; }
  });
});
