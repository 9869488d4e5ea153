/**
 * SOTOPIA as a `MultiSeatEnv`: two seats take turns (seat 0 first), each sees its own background (the partner's
 * goal hidden, backgrounds limited by the relationship) and the conversation so far; the episode ends by the rules
 * of `episode-rules.ts`. The seven-dimension scores come afterwards from the evaluator, outside the environment.
 */
import type { Task } from '../../core/env.js';
import { EpoError } from '../../core/errors.js';
import type { MultiSeatEnv, SeatStep } from '../../core/multi-seat.js';
import { DEFAULT_RULES, endReason, normaliseAction, seatAt, type AgentAction, type EpisodeRules } from './episode-rules.js';
import { renderHistory, type HistoryEntry } from './render.js';
import type { SotopiaTask } from './task-spec.js';

export type SotopiaEnvTask = Task & SotopiaTask;

/** A SOTOPIA task as a `Task` (id: the combo's id). */
export const sotopiaEnvTask = (t: SotopiaTask): SotopiaEnvTask => ({ id: t.combo.id, env: 'sotopia', ...t });

export class SotopiaEnv implements MultiSeatEnv<SotopiaEnvTask, AgentAction> {
  readonly name = 'sotopia';
  readonly seats = 2;
  private task?: SotopiaEnvTask;
  private history: HistoryEntry[] = [];
  private ended?: string;

  constructor(private readonly rules: EpisodeRules = DEFAULT_RULES) {}

  reset(task: SotopiaEnvTask): string[] {
    this.task = task;
    this.history = [];
    this.ended = undefined;
    return [0, 1].map((s) => this.view(s as 0 | 1));
  }

  turn(): number {
    return seatAt(this.history.length);
  }

  actionTypes(): readonly string[] {
    return this.rules.actionTypes;
  }

  step(seat: number, action: AgentAction): SeatStep {
    if (!this.task) throw new EpoError('BAD_INPUT', 'step before reset', { where: 'SotopiaEnv.step' });
    if (this.ended) throw new EpoError('BAD_INPUT', `the episode has ended (${this.ended})`, { where: 'SotopiaEnv.step' });
    if (seat !== this.turn()) throw new EpoError('BAD_INPUT', `seat ${seat} acted out of turn (it is seat ${this.turn()}'s turn)`, { where: 'SotopiaEnv.step' });
    // an action type the rules do not allow counts as doing nothing, as an unparseable answer does
    const a = this.rules.actionTypes.includes(action.type) ? normaliseAction(action) : { type: 'none' as const, argument: '' };
    this.history.push({ turn: this.history.length, seat: seat as 0 | 1, action: a });
    this.ended = endReason(this.history.map((h) => h.action), this.rules);
    return { views: [this.view(0), this.view(1)], done: !!this.ended, ...(this.ended ? { reason: this.ended } : {}), info: { turn: this.history.length, action: a } };
  }

  private view(seat: 0 | 1): string {
    return renderHistory(this.task!.scenario, this.task!.characters, seat, this.history);
  }
}
