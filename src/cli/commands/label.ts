/** `epo label`: process rewards for the strategist turns of a run, from an LLM judge or from the environment. */
import type { Command } from 'commander';
import { EpoError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { createProgress } from '../../core/progress.js';
import { ResponseCache } from '../../llm/cache.js';
import { createModel } from '../../llm/create.js';
import { publicSpec } from '../../llm/spec.js';
import { UsageMeter } from '../../llm/usage.js';
import { ENV_LABELER, envLabel } from '../../rewards/env-progress.js';
import { judgeEpisode, judgeLabeler, labelEpisodes, newCounters } from '../../rewards/judge/label.js';
import { referenceJudgeEpisode } from '../../rewards/judge/reference.js';
import { JUDGE_PROMPTS_JSON, type JudgeFamily, type JudgePromptParts } from '../../reference/judge-extract.js';
import { readReferenceJson } from '../../reference/files.js';
import { existingRunDir } from '../../store/run-dir.js';
import type { Label } from '../../core/label.js';
import { lockRun } from '../../store/run-lock.js';
import { RunStore } from '../../store/run-store.js';
import { parseNumber, RULES } from '../num.js';

interface LabelFlags {
  run: string; judge: string; labeler?: string; concurrency: string; samples: string; voteThreshold: string;
  temperature: string; maxRepairs: string; seed: string; force?: boolean; limit?: string; cache: boolean; protocol: string;
}

export function registerLabel(program: Command): void {
  program.command('label')
    .description('attach process rewards to every strategist turn of a run: an LLM judge picks the critical turns, or `--judge env` reads sub-goal progress from the recorded steps')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--judge <spec|env>', 'judge model spec (e.g. openai:gpt-4o-2024-08-06, http://127.0.0.1:8000/v1#Qwen2.5-7B-Instruct), or "env" for environment progress (ALFWorld, WebShop)')
    .option('--labeler <name>', 'name to store the labels under (default: judge:<spec>, or env)')
    .option('--concurrency <n>', 'episodes judged at once', '8')
    .option('--samples <n>', 'judge samples per episode; a turn is critical when more than --vote-threshold of them pick it', '1')
    .option('--vote-threshold <x>', 'a turn is critical when picked by more than this fraction of the valid samples', '0.5')
    .option('--temperature <t>', 'judge sampling temperature (reference: 0.7)', '0.7')
    .option('--max-repairs <n>', 'follow-up requests when an answer is unusable', '2')
    .option('--seed <n>', 'base seed for judge requests', '0')
    .option('--no-cache', 'do not use the LLM response cache (EPO_LLM_CACHE or ~/.cache/epo/llm-cache.sqlite)')
    .option('--force', 'label again episodes that already have a label from this labeler')
    .option('--limit <n>', 'label at most this many episodes')
    .option('--protocol <name>', "epo, or reference: the EPO release's judge (prm.py's prompt over the ShareGPT record, 0-based positions, one sample, no repair; a failed judgement keeps the episode with its outcome only)", 'epo')
    .action(async (o: LabelFlags) => {
      // every flag is checked before the first episode is judged
      const limit = parseNumber('--limit', o.limit, { integer: true, min: 0 });
      const concurrency = parseNumber('--concurrency', o.concurrency, RULES.concurrency)!;
      const judging = {
        samples: parseNumber('--samples', o.samples, RULES.samples), voteThreshold: parseNumber('--vote-threshold', o.voteThreshold, RULES.fraction),
        temperature: parseNumber('--temperature', o.temperature, RULES.temperature), maxRepairs: parseNumber('--max-repairs', o.maxRepairs, RULES.repairs),
        seed: parseNumber('--seed', o.seed, RULES.seed),
      };
      if (!['epo', 'reference'].includes(o.protocol)) throw new EpoError('BAD_INPUT', `--protocol must be epo or reference, got "${o.protocol}"`, { where: '--protocol' });
      const reference = o.protocol === 'reference';
      // read before any judging: a missing install is reported at once
      const referencePrompts = reference && o.judge !== ENV_LABELER ? readReferenceJson<Record<JudgeFamily, JudgePromptParts>>(JUDGE_PROMPTS_JSON) : undefined;
      const r = existingRunDir(o.run);
      const log = createLogger({ file: r.log });
      const lock = lockRun(r); // one writer per run: two labellers would pay twice for the same judgements
      let store: RunStore;
      try { store = RunStore.open(r.store); } catch (e) { lock.release(); throw e; }
      try {
        const env = o.judge === ENV_LABELER;
        const labeler = o.labeler ?? (env ? ENV_LABELER : judgeLabeler(publicSpec(o.judge)));
        const done = o.force ? new Set<string>() : store.labelledIds(labeler);
        const todo = [...store.finishedIds()].filter((id) => !done.has(id)).sort().slice(0, limit ?? Infinity);
        const skipped = store.countEpisodes() - todo.length;
        const load = (id: string) => store.getEpisode(id);
        const save = (id: string, l: Label) => store.putLabel(id, { ...l, labeler });
        let critical = 0, turns = 0;
        const count = (l: Label): Label => { critical += l.critical?.length ?? 0; turns += l.rewards.length; return l; };
        const progress = createProgress(`label ${labeler}`, todo.length);
        const onProgress = () => progress.tick();
        let stats;
        if (env) {
          stats = await labelEpisodes(todo, load, async (e) => count(envLabel(e)), save, { concurrency: 1, onProgress });
        } else {
          const cache = new ResponseCache({ enabled: o.cache });
          const meter = new UsageMeter();
          const model = createModel(o.judge, { cache, usage: { meter, role: 'judge' }, logger: log });
          const counters = newCounters();
          const ctrl = new AbortController();
          const stop = () => ctrl.abort(new EpoError('INTERRUPTED', 'interrupted'));
          process.once('SIGINT', stop);
          try {
            const judge = referencePrompts
              ? async (e: Parameters<typeof judgeEpisode>[0]) => {
                counters.calls += Math.max(1, new Set(e.turns.filter((t) => t.strategist).map((t) => t.seat)).size);
                const l = await referenceJudgeEpisode(e, { model, prompts: referencePrompts, labeler, temperature: judging.temperature, seed: judging.seed, signal: ctrl.signal });
                if (l.failed) { counters.failedSamples += String(l.failed).split('; ').length; log.warn(`judgement failed, outcome only: ${String(l.failed)}`, { episode: e.id }); }
                return l;
              }
              : (e: Parameters<typeof judgeEpisode>[0]) => judgeEpisode(e, { model, labeler, ...judging, signal: ctrl.signal }, counters);
            stats = await labelEpisodes(todo, load, async (e) => count(await judge(e)), save, { concurrency, signal: ctrl.signal, onProgress });
          } finally { process.off('SIGINT', stop); cache.close(); }
          if (ctrl.signal.aborted) {
            progress.done();
            throw new EpoError('INTERRUPTED', `interrupted after ${stats.labelled} new labels (saved); run the same command again to continue`);
          }
          const cost = meter.totals().reduce((a, t) => a + t.costUsd, 0);
          process.stdout.write(`judge ${model.spec}: ${counters.calls} calls (${cache.stats.hits} from cache), ${counters.repairs} repairs, ${counters.failedSamples} unusable samples, `
            + `${counters.droppedIndexes} invalid indexes dropped, $${cost.toFixed(4)}`
            + (counters.votedTurns ? `; samples agree on ${(100 * counters.unanimousTurns / counters.votedTurns).toFixed(1)}% of turns` : '') + '\n');
        }
        progress.done();
        for (const err of stats.errors.slice(0, 10)) log.warn(`not labelled: ${err.error}`, { episode: err.id });
        process.stdout.write(`labelled ${stats.labelled} episodes with ${labeler} (${skipped} already labelled or over the limit, ${stats.failed} failed); `
          + `${critical} of ${turns} strategist turns critical\n`);
        if (stats.failed) process.exitCode = 1;
      } finally { store.close(); lock.release(); }
    });
}
