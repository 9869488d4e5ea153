/** `epo episodes show` and `epo sotopia transcript`: one episode of a run with its labels and their weights. */
import { EpoError } from '../core/errors.js';
import { formatEpisode, type LabelView } from '../eval/transcript.js';
import { episodeWeights } from '../rewards/episode-weights.js';
import { makeRule } from '../rewards/returns.js';
import { existingRunDir } from '../store/run-dir.js';
import { RunStore } from '../store/run-store.js';

export function showEpisode(o: { run: string; id: string; rule?: string; reasoning?: boolean }): string {
  const r = existingRunDir(o.run);
  const rule = makeRule(o.rule ?? 'reference');
  const store = RunStore.open(r.store);
  try {
    const e = store.getEpisode(o.id);
    if (!e) throw new EpoError('NOT_FOUND', `no episode "${o.id}" in run ${o.run} (see \`epo episodes list --run ${o.run}\`)`, { where: r.store });
    // The group rules compare an episode with the others of its task: those need the whole run.
    const pool = rule.name === 'baseline' || rule.name === 'grpo' ? [...store.episodes(() => {})] : [e];
    const labels: LabelView[] = store.labelers().flatMap(({ labeler }) => {
      const label = store.getLabel(e.id, labeler);
      if (!label) return [];
      const seats = episodeWeights(pool, (id) => store.getLabel(id, labeler), rule).get(e.id);
      return [{ label, ...(seats ? { weights: { rule: rule.name, seats } } : {}) }];
    });
    return formatEpisode(e, labels, { reasoning: o.reasoning }) + '\n';
  } finally { store.close(); }
}
