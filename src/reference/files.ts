/**
 * The EPO reference release's files, installed by `epo data install epo-reference` into <data>/epo-reference with
 * their paths relative to the release's `EPO/` folder (e.g. `Alfshop/eval_agent/prompt/instructions/alfworld_inst.txt`).
 * They are data: the reference protocol (`--protocol reference`) reads them at run time and never embeds their text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { dataDir, datasetDir } from '../data/dir.js';

export const REFERENCE_DATASET = 'epo-reference';
/** The release the installer pins (repository AlibabaResearch/DAMO-ConvAI, folder EPO/). */
export const REFERENCE_COMMIT = '483554eae102996f5ec1f4feab4e78ef29c2a394';

export const referenceRoot = (root = dataDir()): string => datasetDir(REFERENCE_DATASET, root);

/** The text of one installed reference file, or a clear error saying how to install it. */
export function readReferenceFile(relPath: string, root = dataDir()): string {
  const p = join(referenceRoot(root), relPath);
  if (!existsSync(p)) {
    throw new EpoError('MISSING_DATA', `the reference protocol needs ${relPath} from the EPO release, not installed at ${p}; run: epo data install ${REFERENCE_DATASET} [--from <folder>]`, { where: p });
  }
  return readFileSync(p, 'utf8');
}

export const readReferenceJson = <T>(relPath: string, root = dataDir()): T => JSON.parse(readReferenceFile(relPath, root)) as T;
