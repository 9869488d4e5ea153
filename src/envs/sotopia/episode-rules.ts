/**
 * The rules of a SOTOPIA episode: two seats take turns (seat 0 first); on each turn only the seat in turn acts. The
 * episode ends when someone leaves, after more than `maxStale` consecutive `none` actions, or after `maxTurns` turns
 * (20 by default: 10 actions per seat, unlike the reference's 21 actions split 11/10).
 */
export const ACTION_TYPES = ['none', 'speak', 'non-verbal communication', 'action', 'leave'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** The reduced set the reference EPO runs used. */
export const EPO_ACTION_TYPES: readonly ActionType[] = ['none', 'speak', 'leave'];

export interface AgentAction {
  type: ActionType;
  /** The words, gesture or physical action; '' for none and leave. */
  argument: string;
}

export interface EpisodeRules {
  maxTurns: number;
  /** The episode ends when more than this many consecutive actions are `none`. */
  maxStale: number;
  actionTypes: readonly ActionType[];
}

export const DEFAULT_RULES: EpisodeRules = { maxTurns: 20, maxStale: 2, actionTypes: ACTION_TYPES };

/** The seat acting at 0-based turn t. */
export const seatAt = (turn: number): 0 | 1 => (turn % 2) as 0 | 1;

export type EndReason = 'left' | 'stale' | 'max_turns';

/** Why the episode ends after these actions (in turn order), or undefined if it goes on. */
export function endReason(actions: readonly AgentAction[], rules: EpisodeRules): EndReason | undefined {
  const last = actions[actions.length - 1];
  if (last?.type === 'leave') return 'left';
  let stale = 0;
  for (let i = actions.length - 1; i >= 0 && actions[i].type === 'none'; i--) stale++;
  if (stale > rules.maxStale) return 'stale';
  if (actions.length >= rules.maxTurns) return 'max_turns';
  return undefined;
}

/** Normalise an action: none and leave carry no argument. */
export const normaliseAction = (a: AgentAction): AgentAction =>
  a.type === 'none' || a.type === 'leave' ? { type: a.type, argument: '' } : { type: a.type, argument: a.argument.trim() };
