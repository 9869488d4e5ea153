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
  /**
   * Count the idle seat's forced `none` too, as the reference's staleness check does (`envs/evaluators.py:196-246`):
   * each turn then adds two actions, seat 0's before seat 1's, the idle one being `none`.
   */
  idleSeatCountsAsNone?: boolean;
}

export const DEFAULT_RULES: EpisodeRules = { maxTurns: 20, maxStale: 2, actionTypes: ACTION_TYPES };

/** The reference's rules: none/speak/leave, the end after turn 20 is exceeded (21 actions), the idle seat's `none` counted. */
export const REFERENCE_RULES: EpisodeRules = { maxTurns: 21, maxStale: 2, actionTypes: EPO_ACTION_TYPES, idleSeatCountsAsNone: true };

/** The seat acting at 0-based turn t. */
export const seatAt = (turn: number): 0 | 1 => (turn % 2) as 0 | 1;

export type EndReason = 'left' | 'stale' | 'max_turns';

/** Why the episode ends after these actions (in turn order), or undefined if it goes on. */
export function endReason(actions: readonly AgentAction[], rules: EpisodeRules): EndReason | undefined {
  const last = actions[actions.length - 1];
  if (last?.type === 'leave') return 'left';
  const seen = rules.idleSeatCountsAsNone ? withIdleSeat(actions) : actions;
  let stale = 0;
  for (let i = seen.length - 1; i >= 0 && seen[i].type === 'none'; i--) stale++;
  if (stale > rules.maxStale) return 'stale';
  if (actions.length >= rules.maxTurns) return 'max_turns';
  return undefined;
}

const NONE: AgentAction = { type: 'none', argument: '' };

/** The actions as the reference's environment records them: per turn seat 0's then seat 1's, the idle seat's `none`. */
export const withIdleSeat = (actions: readonly AgentAction[]): AgentAction[] =>
  actions.flatMap((a, t) => (seatAt(t) === 0 ? [a, NONE] : [NONE, a]));

/** Normalise an action: none and leave carry no argument. */
export const normaliseAction = (a: AgentAction): AgentAction =>
  a.type === 'none' || a.type === 'leave' ? { type: a.type, argument: '' } : { type: a.type, argument: a.argument.trim() };
