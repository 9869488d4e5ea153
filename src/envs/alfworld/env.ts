/**
 * ALFWorld as a TextEnv: reset to a task (a game file), step with text commands. Rewards follow the reference
 * evaluation: 1 when the game is won, else 0; an episode ends when won or after `maxSteps` (50, the reference
 * environment's own cap). `info` carries `won`, the admissible commands, and subgoal progress for process rewards.
 */
import type { StepResult, TextEnv } from '../../core/env.js';
import { EpoError } from '../../core/errors.js';
import type { AlfworldGame } from './game.js';
import { loadGame, readGameData, readLogic, type GameData, type Logic } from './load.js';
import { SubgoalTracker } from './progress.js';
import type { AlfworldTask } from './tasks.js';

export const BANNER = '-= Welcome to TextWorld, ALFRED! =-';

/** The agent-facing first observation: the welcome text split on blank lines, banner dropped, parts joined by "\n". */
export function agentObservation(raw: string): string {
  const parts = raw.split('\n\n');
  return parts[0].trim() === BANNER ? parts.slice(1).join('\n') : raw;
}

interface Loaded { game: AlfworldGame; data: GameData; tracker: SubgoalTracker }

/** Load a game with its subgoal tracker. Each environment owns its games, so concurrent episodes never share state. */
export function openGame(gamefile: string, logic?: Logic): Loaded {
  const { game, data } = loadGame(gamefile, logic);
  return { game, data, tracker: new SubgoalTracker(game) };
}

/** The expert walkthrough stored in the game file. */
export function walkthrough(task: AlfworldTask | string): string[] {
  const file = typeof task === 'string' ? task : task.gamefile;
  const w = readGameData(file).walkthrough;
  if (!w) throw new EpoError('BAD_DATA', 'the game file has no walkthrough', { where: file });
  return [...w];
}

export interface AlfworldEnvOptions {
  /** Steps before the episode ends unwon (default 50, as the reference environment). */
  maxSteps?: number;
  /**
   * Play with another domain + grammar folder instead of the game file's own, e.g. `<data>/alfworld/logic-epo` for
   * the older wording the reference EPO prompts were written against ("put X in/on Y", "You arrive at loc N.").
   */
  logic?: string;
}

export class AlfworldEnv implements TextEnv<AlfworldTask> {
  readonly name = 'alfworld';
  private current?: Loaded;
  /** Recently played games of this environment, reused on reset (a reset is far cheaper than a load). */
  private games = new Map<string, Loaded>();
  private steps = 0;
  private done = false;
  /** The raw first observation of the current episode, with the welcome banner. */
  rawObservation = '';
  readonly maxSteps: number;

  private readonly logic?: Logic;

  constructor(opts: AlfworldEnvOptions = {}) {
    this.maxSteps = opts.maxSteps ?? 50;
    if (opts.logic) this.logic = readLogic(opts.logic);
  }

  reset(task: AlfworldTask | string): string {
    const file = typeof task === 'string' ? task : task.gamefile;
    let l = this.games.get(file);
    if (!l) {
      l = openGame(file, this.logic);
      if (this.games.size >= 4) this.games.delete(this.games.keys().next().value!);
      this.games.set(file, l);
    }
    this.current = l;
    this.steps = 0;
    this.done = false;
    this.rawObservation = this.current.game.reset();
    this.current.tracker.reset();
    return agentObservation(this.rawObservation);
  }

  private get loadedGame(): Loaded {
    if (!this.current) throw new EpoError('BAD_INPUT', 'call reset(task) before step()', { where: 'AlfworldEnv' });
    return this.current;
  }

  step(action: string): StepResult {
    const { game, tracker } = this.loadedGame;
    const out = game.step(typeof action === 'string' ? action : String(action));
    this.steps++;
    this.done = out.won || this.steps >= this.maxSteps;
    const { progress, subgoals } = tracker.update(out.won);
    return {
      observation: out.feedback,
      reward: out.won ? 1 : 0,
      done: this.done,
      info: { won: out.won, valid: out.valid, admissible: [...game.admissible()], progress, subgoals, steps: this.steps },
    };
  }

  admissibleActions(): string[] {
    return [...this.loadedGame.game.admissible()];
  }

  walkthrough(task: AlfworldTask | string): string[] {
    return walkthrough(task);
  }
}
