/**
 * `epo data install webshop [--from DIR] [--full]`. From a folder: copies the WebShop files it finds (the processed
 * 1k catalogue or the raw files, attributes, human instructions, goal texts, the reference's split lists). From the
 * network: the public files of the WebShop release (Google Drive, as the original's setup.sh fetches them). With
 * --full the 1.18 M-product catalogue is processed once into products_full.jsonl, streamed, so it never has to fit
 * in one string.
 */
import { createWriteStream, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { copyFolder, download } from '../../data/fetch.js';
import type { Manifest } from '../../data/dir.js';
import { installable, oneOf } from '../../data/install.js';
import type { InstallOptions } from '../../data/source.js';
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

export const webshopData = installable({
  name: 'webshop',
  description: 'WebShop product catalogue (1k; --full: 1.18 M products), attributes, human instructions, reference splits',
  sources: [
    'princeton-nlp/WebShop release files on Google Drive (ids in setup.sh): items_shuffle_1000.json, items_ins_v2_1000.json, items_human_ins.json; --full: items_shuffle.json, items_ins_v2.json (MIT)',
    'the EPO/ETO reference split lists test_indices.json and train_indices.json (Alfshop/eval_agent/data/webshop/): install them with --from',
  ],
  async stage(o) {
    let source: string;
    if (o.from) {
      const wanted = new Set([...SMALL_FILES, ...(o.full ? FULL_FILES : [])]);
      copyFolder(o.from, o.dir, (rel) => wanted.has(rel) || /^splits[/\\][\w.-]+\.json$/.test(rel));
      source = o.from;
    } else {
      const files = { ...WEBSHOP_FILES.small, ...WEBSHOP_FILES.human, ...(o.full ? WEBSHOP_FILES.full : {}) };
      for (const [name, url] of Object.entries(files)) {
        o.log.info(`downloading ${name}`);
        await download({ url }, join(o.dir, name));
      }
      source = 'princeton-nlp/WebShop release (Google Drive)';
    }
    if (o.full && !existsSync(join(o.dir, 'products_full.jsonl')) && existsSync(join(o.dir, 'items_shuffle.json'))) {
      o.log.info('processing the full catalogue into products_full.jsonl (once)');
      await processFull(o.dir, o.log);
    }
    return source;
  },
  required: (o) => [o.full
    ? oneOf('the full catalogue', ['products_full.jsonl', 'items_shuffle.json'])
    : oneOf('the 1k catalogue', ['products_1k.jsonl', 'items_shuffle_1000.json'])],
  describe(o, source): Manifest {
    let files = 0, bytes = 0;
    for (const f of [...SMALL_FILES, ...FULL_FILES]) {
      const p = join(o.dir, f);
      if (existsSync(p)) { files++; bytes += statSync(p).size; }
    }
    return { dataset: 'webshop', version: o.full ? 'webshop-full' : 'webshop-small', source, installedAt: new Date().toISOString(), files, bytes };
  },
});
