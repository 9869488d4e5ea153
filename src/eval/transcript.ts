/**
 * Any episode as a readable transcript (`epo episodes show`, `epo sotopia transcript`): single-agent environments
 * turn by turn (the strategist's strategy, the actor's reply, the parsed action, the observation, the step reward, and
 * per labeler the process reward and the training weight it gives that turn); SOTOPIA as its two-seat transcript.
 */
import type { Episode } from '../core/episode.js';
import type { Label } from '../core/label.js';
import { formatTranscript } from '../envs/sotopia/transcript.js';
import type { SeatWeights } from '../rewards/episode-weights.js';
import { strategistTurnIndexes } from '../rewards/outcome.js';

export interface LabelView {
  label: Label;
  /** The weights of the labeler's label by a return rule (none when the label does not fit the episode). */
  weights?: { rule: string; seats: SeatWeights[] };
}

const W = 13;
const field = (name: string, text: string) => {
  const [first, ...rest] = text.replace(/\s+$/, '').split('\n');
  return [`${name.padEnd(W - 1)} ${first}`, ...rest.map((l) => `${' '.repeat(W)}${l}`)].join('\n');
};
const num = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(4))));

export function formatEpisode(e: Episode, labels: readonly LabelView[] = [], opts: { reasoning?: boolean } = {}): string {
  if (e.env === 'sotopia') return formatTranscript(e, opts) + labelLines(e, labels);
  const out = [`episode ${e.id}  ${e.env}  task ${e.taskId}  ended: ${e.outcome.reason}  reward ${num(e.outcome.reward)}  ${e.outcome.success ? 'success' : 'failure'}  ${e.turns.length} turns`];
  const roles = Object.entries(e.models).map(([k, m]) => `${k}=${m.spec}`).join('  ');
  if (roles) out.push(`models: ${roles}`);
  out.push('', e.initialObservation.trim());
  const strategistTurns = strategistTurnIndexes(e);
  for (const t of e.turns) {
    out.push('', `── turn ${t.index} ──`);
    if (t.strategist) out.push(field('strategy', t.strategist.output));
    const thought = t.info?.thought;
    if (typeof thought === 'string') out.push(field('thought', thought));
    if (t.actor) out.push(field('actor', t.actor.output));
    if (t.actor?.parseError) out.push(field('unparsable', t.actor.parseError));
    out.push(field('action', t.action), field('observation', t.observation), field('reward', num(t.reward)));
    const k = strategistTurns.indexOf(t.index);
    if (k < 0) continue;
    for (const { label, weights } of labels) {
      const r = label.rewards[k];
      if (r === undefined) continue;
      const critical = label.critical?.includes(k) ? ' (critical)' : '';
      const w = weights?.seats.flatMap((s) => s.turnIndexes.flatMap((ti, j) => (ti === t.index ? [s.weights[j]] : [])))[0];
      out.push(field(`label ${label.labeler}`, `${num(r)}${critical}${w === undefined ? '' : ` · weight ${w.toFixed(3)} (${weights!.rule})`}`));
    }
  }
  for (const { label } of labels) if (opts.reasoning && typeof label.reasoning === 'string') out.push('', field(`reasoning ${label.labeler}`, label.reasoning));
  return out.join('\n');
}

/** SOTOPIA: each labeler's rewards and weights per strategist turn, after the transcript. */
function labelLines(e: Episode, labels: readonly LabelView[]): string {
  if (!labels.length) return '';
  const turns = strategistTurnIndexes(e);
  const out = ['', 'labels (per strategist turn):'];
  for (const { label, weights } of labels) {
    const w = new Map(weights?.seats.flatMap((s) => s.turnIndexes.map((ti, j) => [ti, s.weights[j]] as const)) ?? []);
    out.push(`  ${label.labeler}: ${turns.map((ti, k) => `turn ${ti}${e.turns[ti]?.seat !== undefined ? ` (seat ${e.turns[ti].seat})` : ''} ${num(label.rewards[k] ?? NaN)}${label.critical?.includes(k) ? '*' : ''}${w.has(ti) ? ` w ${w.get(ti)!.toFixed(3)}` : ''}`).join(', ')}`);
  }
  return out.join('\n');
}
