/**
 * `epo data install epo-reference [--from DIR]`: the EPO reference release's prompt, example, template and config
 * files, from a local folder laid out as the release's `EPO/` folder, or downloaded file by file from the public
 * repository pinned to REFERENCE_COMMIT. After staging, every REFERENCE_EXTRACTS entry turns its Python source into
 * plain data beside the raw files; describe() parses every JSON file and checks the Alfshop files the reference
 * protocol reads, so a broken install fails here, naming the file, not in the middle of an evaluation.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EpoError } from '../core/errors.js';
import type { Manifest } from '../data/dir.js';
import { copyFolder, download } from '../data/fetch.js';
import { file, installable, listFiles } from '../data/install.js';
import type { Requirement } from '../data/source.js';
import { checkAlfshopFiles } from './alfshop.js';
import { REFERENCE_EXTRACTS, type ReferenceExtract } from './extracts.js';
import { REFERENCE_COMMIT, REFERENCE_DATASET } from './files.js';

/** Every file the installer takes, relative to the release's `EPO/` folder (the table of the release README). */
export const REFERENCE_FILES: readonly { path: string; what: string; licence: 'MIT' | 'Apache-2.0' }[] = [
  ...['alfworld', 'webshop'].flatMap((env) => [
    { path: `Alfshop/eval_agent/prompt/instructions/${env}_inst.txt`, what: `the ${env} actor's instruction`, licence: 'MIT' as const },
    { path: `Alfshop/eval_agent/prompt/instructions/${env}_thought_inst.txt`, what: `the ${env} strategist's instruction`, licence: 'MIT' as const },
    { path: `Alfshop/eval_agent/prompt/icl_examples/${env}_icl.json`, what: `the ${env} actor's one-shot example`, licence: 'MIT' as const },
    { path: `Alfshop/eval_agent/prompt/icl_examples/${env}_thought_icl.json`, what: `the ${env} strategist's one-shot example`, licence: 'MIT' as const },
    { path: `Alfshop/eval_agent/configs/task/${env}.json`, what: `the ${env} task config (step limit, file paths)`, licence: 'MIT' as const },
  ]),
  { path: 'Alfshop/eval_agent/prompt/templates.py', what: 'how instruction, example and task become chat messages', licence: 'MIT' },
  { path: 'Alfshop/eval_agent/configs/model/fastchat.json', what: 'the sampling settings of the open models', licence: 'MIT' },
  { path: 'Alfshop/eval_agent/configs/model/openai.json', what: 'the sampling settings of the API models', licence: 'MIT' },
  { path: 'Sotopia/sotopia/generation_utils/generate.py', what: 'SOTOPIA action and strategy prompt templates', licence: 'MIT' },
  { path: 'Sotopia/sotopia/envs/evaluators.py', what: 'the SOTOPIA evaluator rubric, turn and staleness rules', licence: 'MIT' },
  { path: 'Sotopia/sotopia/agents/llm_agent.py', what: 'how strategies enter the SOTOPIA actor prompt', licence: 'MIT' },
  { path: 'Sotopia/sotopia/envs/parallel.py', what: 'what each SOTOPIA seat sees', licence: 'MIT' },
  { path: 'LLaMA-Factory/data/utils/prm.py', what: "the process-reward judge's prompt and parsing", licence: 'Apache-2.0' },
  { path: 'LLaMA-Factory/data/utils/preprocessing.py', what: 'how score + location become per-turn scores', licence: 'Apache-2.0' },
  { path: 'LLaMA-Factory/data/dataset_info.json', what: 'the dataset entries of the released RL data', licence: 'Apache-2.0' },
];

const REPO = 'AlibabaResearch/DAMO-ConvAI';
/** The public address of one release file at the pinned commit. */
export const referenceUrl = (path: string, commit = REFERENCE_COMMIT): string => `https://raw.githubusercontent.com/${REPO}/${commit}/EPO/${path}`;

/** Run each extract over its staged source and write its output beside the raw files. */
export function runExtracts(dir: string, extracts: readonly ReferenceExtract[] = REFERENCE_EXTRACTS): void {
  for (const x of extracts) {
    const src = join(dir, x.from);
    if (!existsSync(src)) continue; // reported by the requirements check, with every other missing file
    const out = join(dir, x.to);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, x.extract(readFileSync(src, 'utf8')));
  }
}

/** A folder given with --from may be the `EPO/` folder itself or a checkout holding it. */
const releaseFolder = (from: string): string => (existsSync(join(from, 'Alfshop')) || !existsSync(join(from, 'EPO')) ? from : join(from, 'EPO'));

function contentHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of REFERENCE_FILES) h.update(f.path).update('\0').update(readFileSync(join(dir, f.path))).update('\0');
  return h.digest('hex').slice(0, 12);
}

export const referenceRequirements = (extracts: readonly ReferenceExtract[] = REFERENCE_EXTRACTS): Requirement[] => [
  ...REFERENCE_FILES.map((f) => file(f.path, f.what)),
  ...extracts.map((x) => file(x.to, `extracted from ${x.from}`)),
];

export const referenceData = installable({
  name: REFERENCE_DATASET,
  description: "the EPO reference release's prompts, one-shot examples, templates and configs (for --protocol reference)",
  sources: [`${referenceUrl('<path>')} for each of ${REFERENCE_FILES.length} files (${REPO}, folder EPO/, MIT and Apache-2.0)`],
  async stage(o) {
    let source: string;
    if (o.from) {
      const from = releaseFolder(o.from);
      const wanted = new Set(REFERENCE_FILES.map((f) => f.path));
      copyFolder(from, o.dir, (rel) => wanted.has(rel.split('\\').join('/')));
      source = o.from;
    } else {
      for (const f of REFERENCE_FILES) {
        o.log.info(`downloading ${referenceUrl(f.path)}`);
        await download({ url: referenceUrl(f.path) }, join(o.dir, f.path));
      }
      source = `${REPO}@${REFERENCE_COMMIT}`;
    }
    runExtracts(o.dir);
    return source;
  },
  required: () => referenceRequirements(),
  describe(o, source): Manifest {
    for (const f of REFERENCE_FILES.filter((x) => x.path.endsWith('.json'))) {
      try { JSON.parse(readFileSync(join(o.dir, f.path), 'utf8')); } catch (e) {
        throw new EpoError('BAD_DATA', `${f.what} is not valid JSON (${(e as Error).message}); install the release's file unchanged`, { where: join(o.dir, f.path) });
      }
    }
    for (const env of ['alfworld', 'webshop'] as const) checkAlfshopFiles(env, o.dir);
    const list = listFiles(o.dir);
    return {
      dataset: REFERENCE_DATASET, version: `${REFERENCE_COMMIT.slice(0, 12)}-${contentHash(o.dir)}`, source, commit: REFERENCE_COMMIT,
      installedAt: new Date().toISOString(), files: list.length, bytes: list.reduce((n, f) => n + statSync(join(o.dir, f)).size, 0),
    };
  },
});
