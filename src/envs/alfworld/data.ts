/**
 * `epo data install alfworld`: the official game files, from a local copy (`--from DIR`, what CI does with
 * ../shared/data/alfworld) or downloaded from the ALFWorld release. The install keeps the release's layout under
 * <dataDir>/alfworld: json_2.1.1/<split>/<task>/<trial>/game.tw-pddl, logic/, logic-epo/ and splits/ when present.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import type { Manifest } from '../../data/dir.js';
import { extractZip } from '../../data/extract.js';
import { copyFolder, download, sha256File } from '../../data/fetch.js';
import { installable, listFiles } from '../../data/install.js';

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

/** A game file where the loader looks for it: json_2.1.1/<split>/<task>/<trial>/game.tw-pddl. */
const GAME_FILE = /^json_2\.1\.1\/[^/]+\/[^/]+\/[^/]+\/game\.tw-pddl$/;

export const alfworldData = installable({
  name: 'alfworld',
  description: 'ALFWorld text household games (official game.tw-pddl files: valid_seen, valid_unseen, train)',
  sources: [
    `${RELEASE_ZIP} (MIT; set EPO_ALFWORLD_ZIP_SHA256 to pin its checksum)`,
    ...Object.values(LOGIC_FILES),
  ],
  async stage(o) {
    if (o.from) {
      // Checked first so a wrong folder (a home directory) fails at once instead of being walked.
      if (!existsSync(join(o.from, 'json_2.1.1'))) throw new EpoError('MISSING_DATA', 'expected a json_2.1.1/ folder inside (the ALFWorld release layout: json_2.1.1/<split>/<task>/<trial>/game.tw-pddl)', { where: o.from });
      o.log.info(`copying ALFWorld game files from ${o.from}`);
      copyFolder(o.from, o.dir, wanted);
      return o.from;
    }
    const zip = join(o.dir, 'download', 'tw-pddl.zip');
    o.log.info(`downloading ${RELEASE_ZIP}`);
    await download({ url: RELEASE_ZIP, sha256: process.env.EPO_ALFWORLD_ZIP_SHA256 }, zip);
    const sha = await sha256File(zip);
    await extractZip(zip, o.dir, wanted);
    rmSync(join(o.dir, 'download'), { recursive: true, force: true });
    for (const [rel, url] of Object.entries(LOGIC_FILES)) await download({ url }, join(o.dir, rel));
    return `${RELEASE_ZIP} sha256:${sha}`;
  },
  required: () => [{ what: 'the game files (json_2.1.1/<split>/<task>/<trial>/game.tw-pddl)', met: (files) => files.some((f) => GAME_FILE.test(f)) }],
  describe(o, source): Manifest {
    const list = listFiles(o.dir);
    const bytes = list.reduce((n, f) => n + statSync(join(o.dir, f)).size, 0);
    // A download is identified by its checksum; its byte count stays out of the version so versions stay stable.
    const downloaded = source.includes('sha256:');
    const version = `json_2.1.1-tw-pddl-${createHash('sha256').update(`${list.length}:${downloaded ? 0 : bytes}:${downloaded ? source : ''}`).digest('hex').slice(0, 8)}`;
    return { dataset: 'alfworld', version, source, installedAt: new Date().toISOString(), files: list.length, bytes };
  },
});
