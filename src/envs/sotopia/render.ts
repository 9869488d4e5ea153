/**
 * Natural-language rendering: the background each viewer sees (scenario, participants, backgrounds limited by the
 * relationship, own goal, the partner's goal hidden), each action as a sentence, and a viewer's history. Turns are
 * numbered from 1 for agents and the evaluator alike.
 */
import type { AgentAction } from './episode-rules.js';
import { fullName, type Character, type Scenario } from './profiles.js';
import { characterBio, visibleParts } from './visibility.js';

export type Viewer = 0 | 1 | 'environment';

/** Goal text with the data's markup tags removed (their content stays: it belongs to the goal's owner). */
export const goalText = (goal: string): string =>
  goal.replace(/<\/?(extra_info|clarification_hint|strategy_hint)>/g, '').replace(/\s+/g, ' ').trim();

export const HIDDEN_GOAL = 'Unknown';

/** The background block as `viewer` sees it. */
export function renderBackground(scenario: Scenario, chars: readonly [Character, Character], viewer: Viewer): string {
  const names = chars.map(fullName);
  const lines = [`Scenario: ${scenario.scenario}`, `Participants: ${names[0]} and ${names[1]}`];
  for (const s of [0, 1] as const) {
    const bio = characterBio(chars[s], visibleParts(viewer, s, scenario.relationship));
    lines.push(`${names[s]}'s background: ${bio || 'Unknown'}`);
  }
  for (const s of [0, 1] as const) {
    lines.push(`${names[s]}'s goal: ${viewer === 'environment' || viewer === s ? goalText(scenario.goals[s]) : HIDDEN_GOAL}`);
  }
  return lines.join('\n');
}

/** One action as a sentence: `Ana said: "Hi."`, `Ana [action] opens the door`, `Ana left the conversation`. */
export function actionSentence(name: string, a: AgentAction): string {
  switch (a.type) {
    case 'none': return `${name} did nothing`;
    case 'speak': return `${name} said: "${a.argument}"`;
    case 'leave': return `${name} left the conversation`;
    default: return `${name} [${a.type}] ${a.argument}`;
  }
}

export const turnLine = (turn: number, name: string, a: AgentAction): string => `Turn #${turn + 1}: ${actionSentence(name, a)}`;

export interface HistoryEntry {
  turn: number;
  seat: 0 | 1;
  action: AgentAction;
}

/** The dialogue lines for entries (optionally without `none` actions, as the evaluator reads them). */
export function renderTurns(entries: readonly HistoryEntry[], names: readonly [string, string], opts: { skipNone?: boolean } = {}): string[] {
  return entries.filter((e) => !(opts.skipNone && e.action.type === 'none')).map((e) => turnLine(e.turn, names[e.seat], e.action));
}

/** A viewer's whole history: its background, then the conversation so far. */
export function renderHistory(scenario: Scenario, chars: readonly [Character, Character], viewer: Viewer, entries: readonly HistoryEntry[], opts: { skipNone?: boolean } = {}): string {
  const names = [fullName(chars[0]), fullName(chars[1])] as const;
  const turns = renderTurns(entries, names, opts);
  return `${renderBackground(scenario, chars, viewer)}\n\nConversation:\n${turns.length ? turns.join('\n') : '(nothing has happened yet)'}`;
}
