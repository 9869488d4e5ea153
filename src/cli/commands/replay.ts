/** `epo replay <env>` and `epo play <env>`: environments register their subcommands here. */
import type { Command } from 'commander';
import { registerAlfworldPlay, registerAlfworldReplay } from '../envs/alfworld.js';
import { registerWebShopPlay, registerWebShopReplay } from '../envs/webshop.js';

export const replayers: ((replay: Command) => void)[] = [registerAlfworldReplay, registerWebShopReplay];
export const players: ((play: Command) => void)[] = [registerAlfworldPlay, registerWebShopPlay];

export function registerReplay(program: Command): void {
  const replay = program.command('replay').description('replay actions (or a walkthrough) in an environment and print JSON lines');
  for (const r of replayers) r(replay);
  const play = program.command('play').description('play an environment yourself in the terminal');
  for (const p of players) p(play);
}
