/** `epo env list|check`: the environments evaluation and self-play can run, and the conformance check of one. */
import type { Command } from 'commander';
import { checkTextEnv } from '../../envs/check.js';
import { registeredEnvironments, registeredSuite, resolveEnvironment } from '../../eval/registry.js';
import { parseNumber } from '../num.js';

export function registerEnv(program: Command): void {
  const cmd = program.command('env').description('environments: list them, check one you wrote against the TextEnv contract');
  cmd.command('list')
    .description('the registered environments (modules given with --env register theirs when loaded)')
    .action(() => {
      for (const name of registeredEnvironments()) process.stdout.write(`${name}\t${registeredSuite(name)!.describe}\n`);
      process.stdout.write('sotopia\tSOTOPIA social interaction, two seats (epo eval sotopia)\n');
    });
  cmd.command('check')
    .description('play short seeded walks on a few tasks and report what breaks the TextEnv contract (after Gymnasium\'s env checker)')
    .requiredOption('--env <name|path>', 'a registered name, a module path (./my-env.ts) or a package')
    .option('--split <name>', 'split to take tasks from (default: the environment\'s)')
    .option('--tasks <n>', 'tasks to play', '3')
    .option('--steps <n>', 'steps per walk', '20')
    .option('--seed <n>', 'seed of the walks', '0')
    .option('--data <dir>', 'data root (default: EPO_DATA_DIR or ~/.cache/epo/data)')
    .action(async (o: { env: string; split?: string; tasks: string; steps: string; seed: string; data?: string }) => {
      const n = (flag: string, v: string, min: number, max: number) => parseNumber(flag, v, { integer: true, min, max })!;
      const seed = n('--seed', o.seed, 0, 2 ** 32 - 1);
      const { name, factory } = await resolveEnvironment(o.env);
      const suite = await factory.build({ split: o.split, seed, data: o.data, example: false, limit: n('--tasks', o.tasks, 1, 1000) });
      const r = await checkTextEnv(() => suite.makeEnv(), suite.tasks, { tasks: suite.tasks.length, steps: n('--steps', o.steps, 1, 100_000), seed });
      for (const e of r.errors) process.stdout.write(`error: ${e}\n`);
      for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
      process.stdout.write(`${name} ${suite.split}: ${r.ok ? 'passes' : 'fails'} the TextEnv check (${suite.tasks.length} tasks, ${r.steps} steps, ${r.errors.length} errors, ${r.warnings.length} warnings)\n`);
      if (!r.ok) process.exitCode = 1;
    });
}
