/** `epo episodes export|import|list`: move episodes between a run store and JSON Lines. */
import type { Command } from 'commander';
import type { Episode } from '../../core/episode.js';
import { EpoError } from '../../core/errors.js';
import { episodeWeights } from '../../rewards/episode-weights.js';
import { makeRule, RULE_NAMES } from '../../rewards/returns.js';
import { importIntoRun } from '../../store/import.js';
import { exportEpisodes } from '../../store/jsonl.js';
import { existingRunDir } from '../../store/run-dir.js';
import { RunStore } from '../../store/run-store.js';
import { skippedDamage } from '../damaged.js';
import { showEpisode } from '../show-episode.js';

/** The `weights` field of each exported episode: per seat, the strategist turns with their rewards, returns and weights. */
function weightsField(store: RunStore, o: { run: string; rule?: string; labeler?: string; gamma?: string }): (e: Episode) => Record<string, unknown> | undefined {
  const gamma = o.gamma === undefined ? undefined : Number(o.gamma);
  if (gamma !== undefined && !Number.isFinite(gamma)) throw new EpoError('BAD_INPUT', `--gamma must be a number in [0, 1], got "${o.gamma}"`, { where: '--gamma' });
  const rule = makeRule(o.rule!, gamma === undefined ? {} : { gamma });
  const have = store.labelers().map((l) => l.labeler);
  const labeler = o.labeler ?? (have.length === 1 ? have[0] : undefined);
  if (!labeler || !have.includes(labeler)) {
    const which = have.length ? `it has labels by ${have.join(', ')}` : 'it has no labels (label it with `epo label`)';
    throw new EpoError('BAD_INPUT', `--rule needs the labeler whose process rewards to use${o.labeler ? `; run ${o.run} has no labels by "${o.labeler}"` : ''}: ${which}; give one with --labeler`, { where: '--labeler' });
  }
  const weights = episodeWeights(store.episodes(), (id) => store.getLabel(id, labeler), rule);
  return (e) => { const w = weights.get(e.id); return w ? { weights: { rule: rule.name, params: rule.params, labeler, turns: w } } : undefined; };
}

function openExisting(run: string): RunStore {
  const r = existingRunDir(run);
  return RunStore.open(r.store);
}

export function registerEpisodes(program: Command): void {
  const cmd = program.command('episodes').description('export, import, list and show the episodes of a run');
  cmd.command('export')
    .description('write every readable episode of a run as JSON Lines, each with its process labels (`labels`, one per labeler) '
      + 'and, with --rule, its training weights per strategist turn (`weights`); damaged ones are named and skipped (exit code 1 then)')
    .requiredOption('--run <name>', 'run name (folder under runs/, or a sub-run by path, e.g. demo/it1-rollouts)')
    .requiredOption('--out <file>', 'output .jsonl file (replaced only once the export is complete)')
    .option('--rule <name>', `also write each episode's training weights by this return rule (${RULE_NAMES.join(', ')}), as \`epo dataset build\` computes them`)
    .option('--labeler <name>', 'with --rule: the labeler whose process rewards to use (default: the run\'s only labeler)')
    .option('--gamma <x>', "with --rule: the rule's discount (default the rule's, 0.99)")
    .action(async (o: { run: string; out: string; rule?: string; labeler?: string; gamma?: string }) => {
      const store = openExisting(o.run);
      const skipped = skippedDamage(o.run);
      try {
        const extra = o.rule ? weightsField(store, o) : undefined;
        const n = await exportEpisodes(store, o.out, skipped.onDamaged, { extra });
        process.stdout.write(`exported ${n} episodes to ${o.out}\n`);
        skipped.report(store.path);
      } finally { store.close(); }
    });
  cmd.command('import')
    .summary('add the episodes of a JSON Lines file to a run: all or nothing, same protocol, stored ids skipped unless --replace')
    .description('add the episodes of a JSON Lines file to a run (creating it if needed), with the labels an export wrote beside them. All or nothing: every line is '
      + 'checked first, then all are written in one transaction. Episodes must share the run\'s protocol (environment, '
      + 'data version, mode, models, seed); an id already in the run is skipped unless --replace')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .requiredOption('--in <file>', 'input .jsonl file')
    .option('--replace', 'overwrite stored episodes that have the same id; their labels are deleted (label them again)')
    .action(async (o: { run: string; in: string; replace?: boolean }) => {
      const r = await importIntoRun(o.run, o.in, { replace: o.replace });
      const notes = [
        r.replaced ? `replaced ${r.replaced} already there` : '',
        r.labelsDropped ? `dropped ${r.labelsDropped} labels of the replaced episodes: label them again with \`epo label\`` : '',
        r.skipped ? `skipped ${r.skipped} episodes already in the run (use --replace to overwrite them)` : '',
      ].filter(Boolean);
      process.stdout.write(`imported ${r.added + r.replaced} episodes into run ${o.run}${notes.length ? `; ${notes.join('; ')}` : ''}\n`);
    });
  cmd.command('show')
    .description('print one episode turn by turn: strategy, actor reply, action, observation, reward, and per labeler the '
      + 'process reward and training weight of each strategist turn (SOTOPIA: the two-seat transcript with the scores)')
    .requiredOption('--run <name>', 'run name (folder under runs/, or a sub-run by path, e.g. demo/it1-eval)')
    .requiredOption('--id <episode>', 'episode id (see `epo episodes list`)')
    .option('--rule <name>', `return rule of the weights shown (${RULE_NAMES.join(', ')})`, 'reference')
    .option('--reasoning', "also print the judge's and the SOTOPIA evaluator's reasoning")
    .action((o: { run: string; id: string; rule: string; reasoning?: boolean }) => { process.stdout.write(showEpisode(o)); });
  cmd.command('list')
    .description('one line per episode: id, outcome reward, success, turns, end reason (damaged ones are named on stderr; exit code 1 then)')
    .requiredOption('--run <name>', 'run name (folder under runs/)')
    .action((o: { run: string }) => {
      const store = openExisting(o.run);
      const skipped = skippedDamage(o.run);
      try {
        for (const e of store.episodes(skipped.onDamaged)) {
          process.stdout.write(`${e.id}\treward=${e.outcome.reward}\tsuccess=${e.outcome.success}\tturns=${e.turns.length}\t${e.outcome.reason}\n`);
        }
        skipped.report(store.path);
      } finally { store.close(); }
    });
}
