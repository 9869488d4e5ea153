/** `epo data install|status|generate`: benchmark data, installed from a folder or public sources, or generated. */
import type { Command } from 'commander';
import { createLogger } from '../../core/log.js';
import { EpoError } from '../../core/errors.js';
import { dataDir, datasetDir, readManifest } from '../../data/dir.js';
import type { DataSource } from '../../data/source.js';
import { alfworldData } from '../../envs/alfworld/data.js';
import { sotopiaSource } from '../../envs/sotopia/data.js';
import { webshopData } from '../../envs/webshop/data.js';
import { referenceData } from '../../reference/install.js';
import { registerAlfworldGenerate } from '../envs/alfworld-generate.js';
import { registerWebShopGenerate } from '../envs/webshop.js';

/** Every installable dataset. Environments add theirs here. */
export const dataSources: DataSource[] = [alfworldData, sotopiaSource, webshopData, referenceData];

/** Generators register `epo data generate <name>` subcommands here. */
export const generators: ((generate: Command) => void)[] = [registerAlfworldGenerate, registerWebShopGenerate];

export function registerData(program: Command): void {
  const cmd = program.command('data').description('install, inspect and generate benchmark data');
  cmd.command('install')
    .description(`install a dataset (${dataSources.map((d) => d.name).join(', ') || 'none yet'}) from a local folder or its public source`)
    .argument('<name>', 'dataset name')
    .option('--from <dir>', 'install from this local folder instead of downloading')
    .option('--full', 'also install the large optional part (e.g. the full WebShop catalogue)')
    .action(async (name: string, o: { from?: string; full?: boolean }) => {
      const src = dataSources.find((d) => d.name === name);
      if (!src) throw new EpoError('BAD_INPUT', `unknown dataset "${name}"; known: ${dataSources.map((d) => d.name).join(', ')}`, { where: 'data install <name>' });
      const root = dataDir();
      // All or nothing: the old install stays until the new one is complete, validated and has its manifest.
      const m = await src.install({ from: o.from, full: o.full, root, log: createLogger() });
      process.stdout.write(`installed ${name} ${m.version}: ${m.files} files, ${(m.bytes / 1e6).toFixed(1)} MB in ${datasetDir(name, root)}\n`);
    });
  cmd.command('status')
    .description('show which datasets are installed, their versions and where')
    .action(() => {
      const root = dataDir();
      process.stdout.write(`data folder: ${root} (set EPO_DATA_DIR to move it)\n`);
      for (const src of dataSources) {
        const m = readManifest(src.name, root);
        process.stdout.write(m
          ? `${src.name.padEnd(10)} installed  ${m.version}  ${m.files} files  ${(m.bytes / 1e6).toFixed(1)} MB  from ${m.source}  at ${m.installedAt}\n`
          : `${src.name.padEnd(10)} missing    install with: epo data install ${src.name} [--from DIR]\n`);
      }
    });
  const generate = cmd.command('generate').description('generate datasets offline (household games, product catalogues)');
  for (const g of generators) g(generate);
}
