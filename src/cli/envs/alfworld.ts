/** `epo replay alfworld` and `epo play alfworld`: run the ALFWorld engine on official game files. */
import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EpoError } from '../../core/errors.js';
import { readLines } from '../read-lines.js';
import { agentObservation } from '../../envs/alfworld/env.js';
import { findGameFiles, loadAlfworldTasks, loadGame, readLogic, taskTypeOf, type Logic } from '../../envs/alfworld/index.js';

const line = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

const readActions = (src: string): string[] => readLines(src, '--actions', 'actions');

function replayOne(gamefile: string, actions: string[] | 'walkthrough', agent: boolean, logic?: Logic): void {
  const { game, data } = loadGame(gamefile, logic);
  const raw = game.reset();
  line({ step: 0, observation: agent ? agentObservation(raw) : raw, admissible: game.admissible() });
  const cmds = actions === 'walkthrough' ? data.walkthrough ?? [] : actions;
  cmds.forEach((action, i) => {
    const r = game.step(action);
    line({ step: i + 1, action, observation: r.feedback, reward: r.won ? 1 : 0, done: r.won, won: r.won, admissible: game.admissible() });
  });
}

function replayMany(dir: string, logic?: Logic): void {
  const files = findGameFiles(dir);
  if (!files.length) throw new EpoError('MISSING_DATA', 'no game.tw-pddl files found', { where: dir });
  const t0 = performance.now();
  let won = 0, steps = 0;
  for (const f of files) {
    const { game, data } = loadGame(f, logic);
    game.reset();
    let w = false, n = 0;
    for (const a of data.walkthrough ?? []) {
      n++;
      if (game.step(a).won) { w = true; break; }
    }
    steps += n;
    if (w) won++;
    const rel = relative(dir, f).replace(/\/game\.tw-pddl$/, '');
    line({ game: rel, task_type: taskTypeOf(rel.split('/').slice(-2)[0] ?? rel), steps: n, won: w });
  }
  const seconds = (performance.now() - t0) / 1000;
  line({ summary: true, games: files.length, won, success_rate: won / files.length, steps, seconds: Number(seconds.toFixed(3)) });
}

export function registerAlfworldReplay(replay: Command): void {
  replay.command('alfworld')
    .description('replay commands (or the expert walkthrough) in an ALFWorld game; prints one JSON line per step')
    .option('--game <file>', 'a game.tw-pddl file')
    .option('--actions <file>', 'commands, one per line ("-" reads stdin)')
    .option('--walkthrough', "replay the game file's expert walkthrough")
    .option('--games <dir>', 'replay the walkthrough of every game.tw-pddl under this folder; one line per game and a summary')
    .option('--agent', 'print the first observation as agents see it (welcome banner removed)')
    .option('--logic <dir>', "play with this folder's alfred.pddl + alfred.twl2 instead of the game's own (e.g. logic-epo)")
    .action((o: { game?: string; actions?: string; walkthrough?: boolean; games?: string; agent?: boolean; logic?: string }) => {
      const logic = o.logic ? readLogic(resolve(o.logic)) : undefined;
      if (o.games) { replayMany(resolve(o.games), logic); return; }
      if (!o.game) throw new EpoError('BAD_INPUT', 'give --game <file> (or --games <dir>)', { where: 'replay alfworld' });
      if (!o.walkthrough && !o.actions) throw new EpoError('BAD_INPUT', 'give --actions <file|-> or --walkthrough', { where: 'replay alfworld' });
      replayOne(resolve(o.game), o.walkthrough ? 'walkthrough' : readActions(o.actions!), !!o.agent, logic);
    });
}

export function registerAlfworldPlay(play: Command): void {
  play.command('alfworld')
    .description('play an ALFWorld game in the terminal (":admissible" lists commands, ":quit" leaves)')
    .option('--game <file>', 'a game.tw-pddl file (default: the first valid_unseen game in reference order)')
    .option('--split <split>', 'pick the game from this split', 'valid_unseen')
    .option('--index <n>', 'position of the game in the split (reference order)', '0')
    .option('--logic <dir>', "play with this folder's alfred.pddl + alfred.twl2 instead of the game's own (e.g. logic-epo)")
    .action(async (o: { game?: string; split: string; index: string; logic?: string }) => {
      const file = o.game ? resolve(o.game) : loadAlfworldTasks({ split: o.split })[Number(o.index)]?.gamefile;
      if (!file) throw new EpoError('BAD_INPUT', `no game at index ${o.index} of ${o.split}`, { where: '--index' });
      const { game } = loadGame(file, o.logic ? readLogic(resolve(o.logic)) : undefined);
      const out = (s: string) => process.stdout.write(s + '\n');
      out(game.reset());
      const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
      const prompt = () => process.stdout.write('\n> ');
      prompt();
      try {
        for await (const line of rl) {
          const cmd = line.trim();
          if (cmd === ':quit') break;
          if (cmd === ':admissible') out(game.admissible().join('\n'));
          else {
            if (!process.stdin.isTTY) out(cmd);
            const r = game.step(cmd);
            out(r.feedback);
            if (r.won) { out('\n*** You won! ***'); break; }
          }
          prompt();
        }
      } finally { rl.close(); }
    });
}
