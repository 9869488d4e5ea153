/**
 * `epo data install webshop [--from DIR] [--full]`. From a folder: copies the WebShop files it finds (the processed
 * 1k catalogue or the raw files, attributes, human instructions, goal texts, the reference's split lists). From the
 * network: the public files of the WebShop release (Google Drive, as the original's setup.sh fetches them). With
 * --full the 1.18 M-product catalogue is processed once into products_full.jsonl, streamed, so it never has to fit
 * in one string.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { copyFolder, download } from '../../data/fetch.js';
import type { Manifest } from '../../data/dir.js';
import type { DataSource, InstallOptions } from '../../data/source.js';
import { indexText, processRawProduct } from './catalogue.js';
import { readJsonArray } from './read-json.js';
import type { AttributeEntry } from './types.js';

const drive = (id: string) => `https://drive.usercontent.google.com/download?id=${id}&export=download&confirm=t`;

/** The WebShop release files (princeton-nlp/WebShop setup.sh), MIT licence. */
export const WEBSHOP_FILES = {
  small: { 'items_shuffle_1000.json': drive('1EgHdxQ_YxqIQlvvq5iKlCrkEKR6-j0Ib'), 'items_ins_v2_1000.json': drive('1IduG0xl544V_A_jv3tHXC0kyFi7PnyBu') },
  full: { 'items_shuffle.json': drive('1A2whVgOO0euk5O13n2iYDM0bQRkkRduB'), 'items_ins_v2.json': drive('1s2j6NgHljiZzQNL3veZaAiyW_qDEgBNi') },
  human: { 'items_human_ins.json': drive('14Kb5SPBk_jfdLZ_CDBNitW98QLDlKR5O') },
};

const SMALL_FILES = ['products_1k.jsonl', 'items_shuffle_1000.json', 'items_ins_v2_1000.json', 'items_human_ins.json', 'human_goals.json', 'goal_query_map.json'];
const FULL_FILES = ['items_shuffle.json', 'items_ins_v2.json', 'products_full.jsonl'];

/** Process raw items_shuffle.json into the processed JSON-lines form the loader reads fastest. */
export async function processFull(dir: string, log: InstallOptions['log']): Promise<number> {
  const raw = join(dir, 'items_shuffle.json');
  const attrsPath = join(dir, 'items_ins_v2.json');
  const attributes = new Map<string, AttributeEntry>(existsSync(attrsPath) ? Object.entries(JSON.parse(readFileSync(attrsPath, 'utf8')) as Record<string, AttributeEntry>) : []);
  const out = createWriteStream(join(dir, 'products_full.jsonl.part'));
  const seen = new Set<string>();
  let n = 0;
  for (const item of readJsonArray<Record<string, unknown>>(raw)) {
    const p = processRawProduct(item, attributes);
    if (!p || seen.has(p.asin)) continue;
    seen.add(p.asin);
    if (!out.write(JSON.stringify({ id: p.asin, contents: indexText(p), product: p }) + '\n')) await once(out, 'drain');
    if (++n % 100_000 === 0) log.info(`processed ${n} products`);
  }
  out.end();
  await once(out, 'finish');
  renameSync(join(dir, 'products_full.jsonl.part'), join(dir, 'products_full.jsonl'));
  return n;
}

export const webshopData: DataSource = {
  name: 'webshop',
  description: 'WebShop product catalogue (1k; --full: 1.18 M products), attributes, human instructions, reference splits',
  sources: [
    'princeton-nlp/WebShop release files on Google Drive (ids in setup.sh): items_shuffle_1000.json, items_ins_v2_1000.json, items_human_ins.json; --full: items_shuffle.json, items_ins_v2.json (MIT)',
    'the EPO/ETO reference split lists test_indices.json and train_indices.json (Alfshop/eval_agent/data/webshop/): install them with --from',
  ],
  async install(opts: InstallOptions): Promise<Manifest> {
    const dest = join(opts.root, 'webshop');
    mkdirSync(dest, { recursive: true });
    let source: string;
    if (opts.from) {
      const wanted = new Set([...SMALL_FILES, ...(opts.full ? FULL_FILES : [])]);
      const got = copyFolder(opts.from, dest, (rel) => wanted.has(rel) || /^splits[/\\][\w.-]+\.json$/.test(rel));
      if (got.files === 0) throw new EpoError('MISSING_DATA', `no WebShop files found (looked for ${[...wanted].join(', ')})`, { where: opts.from });
      source = opts.from;
    } else {
      const files = { ...WEBSHOP_FILES.small, ...WEBSHOP_FILES.human, ...(opts.full ? WEBSHOP_FILES.full : {}) };
      for (const [name, url] of Object.entries(files)) {
        opts.log.info(`downloading ${name}`);
        await download({ url }, join(dest, name));
      }
      source = 'princeton-nlp/WebShop release (Google Drive)';
    }
    if (opts.full) {
      if (!existsSync(join(dest, 'products_full.jsonl'))) {
        if (!existsSync(join(dest, 'items_shuffle.json'))) throw new EpoError('MISSING_DATA', 'the full setting needs items_shuffle.json (or products_full.jsonl)', { where: opts.from ?? dest });
        opts.log.info('processing the full catalogue into products_full.jsonl (once)');
        await processFull(dest, opts.log);
      }
    }
    let files = 0, bytes = 0;
    for (const f of [...SMALL_FILES, ...FULL_FILES]) {
      const p = join(dest, f);
      if (existsSync(p)) { files++; bytes += statSync(p).size; }
    }
    return { dataset: 'webshop', version: opts.full ? 'webshop-full' : 'webshop-small', source, installedAt: new Date().toISOString(), files, bytes };
  },
};
