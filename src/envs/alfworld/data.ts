/**
 * `epo data install alfworld`: the official game files, from a local copy (`--from DIR`, what CI does with
 * ../shared/data/alfworld) or downloaded from the ALFWorld release. The install keeps the release's layout under
 * <dataDir>/alfworld: json_2.1.1/<split>/<task>/<trial>/game.tw-pddl, logic/, logic-epo/ and splits/ when present.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import type { Manifest } from '../../data/dir.js';
import { extractZip } from '../../data/extract.js';
import { copyFolder, download, sha256File } from '../../data/fetch.js';
import type { DataSource, InstallOptions } from '../../data/source.js';

/** The current release's text-game files (the zip's inner folder is still named json_2.1.1). */
export const RELEASE_ZIP = 'https://github.com/alfworld/alfworld/releases/download/0.4.2/json_2.1.3_tw-pddl.zip';
export const LOGIC_FILES: Record<string, string> = {
  'logic/alfred.pddl': 'https://raw.githubusercontent.com/alfworld/alfworld/master/alfworld/data/alfred.pddl',
  'logic/alfred.twl2': 'https://raw.githubusercontent.com/alfworld/alfworld/master/alfworld/data/alfred.twl2',
};

const wanted = (rel: string) => {
  const p = rel.replace(/\\/g, '/');
  return (p.startsWith('json_2.1.1/') && p.endsWith('/game.tw-pddl')) || /^(logic|logic-epo)\/[^/]+\.(pddl|twl2)$/.test(p) || p.startsWith('splits/');
};

export const alfworldData: DataSource = {
  name: 'alfworld',
  description: 'ALFWorld text household games (official game.tw-pddl files: valid_seen, valid_unseen, train)',
  sources: [
    `${RELEASE_ZIP} (MIT; set EPO_ALFWORLD_ZIP_SHA256 to pin its checksum)`,
    ...Object.values(LOGIC_FILES),
  ],
  async install(opts: InstallOptions): Promise<Manifest> {
    const dest = join(opts.root, 'alfworld');
    mkdirSync(dest, { recursive: true });
    let files = 0, bytes = 0, source: string;
    if (opts.from) {
      if (!existsSync(join(opts.from, 'json_2.1.1'))) throw new EpoError('MISSING_DATA', 'expected a json_2.1.1/ folder inside', { where: opts.from });
      opts.log.info(`copying ALFWorld game files from ${opts.from}`);
      ({ files, bytes } = copyFolder(opts.from, dest, wanted));
      source = opts.from;
    } else {
      const zip = join(dest, 'download', 'tw-pddl.zip');
      opts.log.info(`downloading ${RELEASE_ZIP}`);
      await download({ url: RELEASE_ZIP, sha256: process.env.EPO_ALFWORLD_ZIP_SHA256 }, zip);
      const sha = await sha256File(zip);
      files = await extractZip(zip, dest, wanted);
      for (const [rel, url] of Object.entries(LOGIC_FILES)) { await download({ url }, join(dest, rel)); files++; }
      rmSync(join(dest, 'download'), { recursive: true, force: true });
      source = `${RELEASE_ZIP} sha256:${sha}`;
    }
    if (files === 0) throw new EpoError('MISSING_DATA', 'no game files found', { where: opts.from ?? RELEASE_ZIP });
    const version = `json_2.1.1-tw-pddl-${createHash('sha256').update(`${files}:${bytes}:${source.includes('sha256:') ? source : ''}`).digest('hex').slice(0, 8)}`;
    return { dataset: 'alfworld', version, source, installedAt: new Date().toISOString(), files, bytes };
  },
};
