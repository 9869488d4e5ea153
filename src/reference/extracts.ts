/**
 * Templates that live inside the reference release's Python source (SOTOPIA's prompts, the judge's prompt, the
 * evaluator's rubric): the installer runs each extract over its pinned source file after staging and writes the
 * result beside the raw files, so run time reads plain data. An extract fails loudly when the source no longer holds
 * what it expects (a different commit), naming the file.
 */
import { JUDGE_EXTRACTS } from './judge-extract.js';
import { SOTOPIA_EXTRACTS } from './sotopia-extracts.js';

export interface ReferenceExtract {
  /** The Python file it reads, relative to the release's `EPO/` folder. */
  from: string;
  /** Where the extracted data goes, relative to the installed dataset folder (under `extracted/`). */
  to: string;
  /** Pure: source text → file contents (JSON or text). Throws an EpoError naming `from` when it cannot. */
  extract(source: string): string;
}

/** Filled by the parts of the reference protocol that need text from Python source. */
export const REFERENCE_EXTRACTS: ReferenceExtract[] = [
  // SOTOPIA and the judge (issue 17)
  ...SOTOPIA_EXTRACTS, ...JUDGE_EXTRACTS,
];
