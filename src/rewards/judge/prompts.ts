/**
 * Judge prompts, one per environment family (our own wording). The judge sees the episode as readable text with the
 * strategist's turns numbered 1..n (only those carry numbers, so an answer cannot point at an observation), the
 * outcome on its scale, and is asked which numbered strategies mattered most for the result. It answers with JSON
 * `{ "indexes": [...], "reasoning": "..." }`.
 */
import type { Episode } from '../../core/episode.js';
import type { ChatMessage } from '../../core/messages.js';
import { envFamily, outcomeReward, sotopiaGoal, type EnvFamily } from '../outcome.js';

/** Long observations (web pages) are cut for the judge, keeping head and tail. */
export const MAX_OBSERVATION_CHARS = 1200;

const clip = (s: string, max = MAX_OBSERVATION_CHARS): string =>
  s.length <= max ? s : `${s.slice(0, Math.floor(max * 0.7))} […] ${s.slice(s.length - Math.floor(max * 0.3))}`;

interface FamilyText {
  role: string;
  outcome: (e: Episode, seat?: number) => string;
}

const FAMILY: Record<EnvFamily, FamilyText> = {
  alfworld: {
    role: 'a household robot that explores rooms and manipulates objects to complete a chore described in text',
    outcome: (e) => (outcomeReward(e) === 1 ? 'The chore was completed (success = 1.0).' : 'The chore was not completed (success = 0.0).'),
  },
  webshop: {
    role: 'a shopping assistant that searches an online store and buys the product that best matches a request',
    outcome: (e) => `The purchase scored ${fmt(outcomeReward(e))} on a scale from 0 (nothing matches the request) to 1 (a perfect match)${e.outcome.reward === 0 && e.outcome.reason !== 'done' ? '; nothing was bought' : ''}.`,
  },
  sotopia: {
    role: 'a person in a social conversation who tries to reach a private social goal while keeping the relationship',
    outcome: (e, seat) => {
      const g = seat === undefined ? undefined : sotopiaGoal(e, seat);
      return g === undefined
        ? `The goal-completion score was ${fmt(outcomeReward(e, seat) * 10)} on a scale from 0 to 10.`
        : `The goal-completion score of this person was ${fmt(g)} on a scale from 0 (goal not reached) to 10 (fully reached).`;
    },
  },
  other: {
    role: 'an agent acting in a text environment',
    outcome: (e, seat) => `The outcome reward was ${fmt(outcomeReward(e, seat))} on a scale from 0 to 1.`,
  },
};

const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);

/** Sessions recorded by `epo proxy` (env `proxy`): any agent, any task; the outcome is what the application reported. */
const PROXY: FamilyText & { action: string; observation: string } = {
  role: 'an AI agent that serves a user: it answers, and may call tools whose results come back to it',
  outcome: (e) => {
    if (e.outcome.reason !== 'outcome') return `The session ended without a reported outcome (it went ${e.outcome.reason === 'idle' ? 'idle' : `to an end by ${e.outcome.reason}`}); judge from the conversation whether the user's request was met.`;
    return `The application reported ${e.outcome.success ? 'success' : 'failure'} (reward ${fmt(e.outcome.reward)}).`;
  },
  action: 'Agent', observation: 'Then',
};
const isProxy = (e: Episode): boolean => e.env === 'proxy';

/** The episode as text with the strategies of `seat` numbered; returns the text and how many strategies it shows. */
export function renderTrajectory(e: Episode, seat?: number): { text: string; count: number } {
  const lines: string[] = [];
  const two = e.turns.some((t) => t.seat !== undefined) && seat !== undefined;
  const names = (e.evaluation as { seats?: { character?: unknown }[] } | undefined)?.seats?.map((s) => (typeof s.character === 'string' ? s.character : undefined)) ?? [];
  const who = (s: number | undefined, mine: boolean) => `${names[s ?? -1] ? `${names[s!]} ` : ''}(${mine ? 'guided by the strategist' : 'other person'})`;
  let k = 0;
  for (const t of e.turns) {
    const mine = !two || t.seat === seat;
    if (mine && t.strategist) lines.push(`[Strategy ${++k}] ${t.strategist.output.trim()}`);
    if (two) {
      lines.push(`${who(t.seat, mine)}: ${t.action.trim()}`);
      if (t.observation.trim() && !mine) lines.push(`(${clip(t.observation.trim())})`);
    } else if (isProxy(e)) {
      lines.push(`${PROXY.action}: ${t.action.trim() || '(no answer)'}`);
      if (t.observation.trim()) lines.push(`${PROXY.observation}: ${clip(t.observation.trim())}`);
    } else {
      lines.push(`Action: ${t.action.trim()}`);
      lines.push(`Observation: ${clip(t.observation.trim())}`);
    }
  }
  return { text: lines.join('\n'), count: k };
}

/** The judge chat for one episode (and seat in two-seat environments). */
export function judgeMessages(e: Episode, seat?: number): { messages: ChatMessage[]; count: number } {
  const fam = isProxy(e) ? PROXY : FAMILY[envFamily(e.env)];
  const { text, count } = renderTrajectory(e, seat);
  const sys = [
    'You assess the decisions of a strategist.',
    `The strategist advises ${fam.role}. Before each step it writes a short strategy; an actor then acts on it.`,
    'Your job: read one finished episode and name the strategies that were decisive for how it ended —',
    'the turns whose guidance most moved the episode toward its result (or, in a failed episode, the few that still made real progress).',
    'Choose few: usually one to three. Choose none if no strategy made a difference.',
    'Answer with one JSON object and nothing else:',
    '{"indexes": [<the numbers k of the chosen [Strategy k] lines>], "reasoning": "<one or two sentences>"}',
  ].join('\n');
  const usr = [
    '## Situation at the start',
    clip(e.initialObservation.trim(), 3000),
    '',
    `## Episode (${count} numbered strateg${count === 1 ? 'y' : 'ies'})`,
    text,
    '',
    '## Result',
    fam.outcome(e, seat),
    '',
    `Which strategies (numbers 1 to ${count}) were decisive? Reply with the JSON object only.`,
  ].join('\n');
  return { messages: [{ role: 'system', content: sys }, { role: 'user', content: usr }], count };
}
