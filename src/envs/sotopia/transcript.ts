/** A SOTOPIA episode as a readable transcript: context, each turn with its strategy beside the action, the scores. */
import type { Episode } from '../../core/episode.js';
import { DIMENSIONS, SHORT } from './evaluator.js';

interface StoredEvaluation {
  evaluator: string;
  ok: boolean;
  seats?: { character: string; scores: Record<string, number>; reasoning: Record<string, string> }[];
  testSeats?: number[];
  error?: string;
}

export function formatTranscript(e: Episode, opts: { reasoning?: boolean } = {}): string {
  const task = e.task as { codename?: string; relationship?: string };
  const out: string[] = [];
  out.push(`episode ${e.id}  scenario ${task.codename ?? '?'} (${task.relationship ?? '?'})  ended: ${e.outcome.reason}  turns: ${e.turns.length}`);
  const roles = Object.entries(e.models).map(([k, m]) => `${k}=${m.spec}`).join('  ');
  if (roles) out.push(`models: ${roles}`);
  out.push('', e.initialObservation, '');
  const width = Math.min(60, Math.max(...e.turns.map((t) => t.observation.length), 0));
  for (const t of e.turns) {
    const strategy = t.info?.strategy as string | undefined;
    const flag = t.actor?.parseError ? '  [unparsable reply]' : '';
    out.push(strategy !== undefined ? `${t.observation.padEnd(width)}  ‖ strategy: ${strategy}${flag}` : `${t.observation}${flag}`);
  }
  const ev = e.evaluation as StoredEvaluation | undefined;
  if (!ev) return out.join('\n');
  out.push('');
  if (!ev.ok || !ev.seats) {
    out.push(`evaluation (${ev.evaluator}) failed: ${ev.error ?? 'unknown'}`);
    return out.join('\n');
  }
  const names = ev.seats.map((s, k) => `${s.character}${ev.testSeats?.includes(k) ? ' *' : ''}`);
  const w = Math.max(...names.map((n) => n.length), 8);
  out.push(`evaluation by ${ev.evaluator} (* = tested seat)`);
  out.push(`${''.padEnd(39)}${names.map((n) => n.padStart(w + 2)).join('')}`);
  for (const d of [...DIMENSIONS, 'overall'] as const) {
    const label = d === 'overall' ? 'overall' : `${d} (${SHORT[d]})`;
    out.push(`${label.padEnd(39)}${ev.seats.map((s) => (d === 'overall' ? s.scores[d].toFixed(2) : String(s.scores[d]))).map((v) => v.padStart(w + 2)).join('')}`);
  }
  if (opts.reasoning) {
    for (const s of ev.seats) {
      out.push('', `reasoning for ${s.character}:`);
      for (const d of DIMENSIONS) out.push(`  ${d}: ${s.reasoning[d]}`);
    }
  }
  return out.join('\n');
}
