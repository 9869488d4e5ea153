/** Reading a YAML config file, with errors that name the file and line (the schemas and their resolution: schema.ts, resolve.ts). */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { EpoError } from '../core/errors.js';

export function readYamlFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EpoError('BAD_CONFIG', `cannot read config file: ${(e as Error).message}`, { where: path });
  }
  try {
    return parseYaml(text) ?? {};
  } catch (e) {
    const err = e as { message: string; linePos?: { line: number }[] };
    const line = err.linePos?.[0]?.line;
    throw new EpoError('BAD_CONFIG', `invalid YAML: ${err.message.split('\n')[0]}`, { where: line ? `${path}:${line}` : path });
  }
}
