/**
 * Resolve a command's configuration: command-line flags over a config file over the schema's defaults, every value
 * validated by its field. One error lists every bad field with its file key, its flag and where the value came from.
 */
import { stringify } from 'yaml';
import { EpoError } from '../core/errors.js';
import { fieldsOf, fileKey, flagName, type ConfigOf, type Sections } from './schema.js';

export type Source = 'flag' | 'file' | 'default';

export interface Resolved<S extends Sections> {
  config: ConfigOf<S>;
  /** Where each set value came from (unset fields are absent). */
  sources: Record<string, Source>;
}

/** Keys of a config file, accepted as `max_steps` (the written form), `max-steps` or `maxSteps`. */
const normaliseKey = (k: string): string => k.replace(/[-_]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

export interface ResolveInput {
  /** Values given on the command line, by camelCase key (flag strings, booleans, lists). */
  flags: Record<string, unknown>;
  /** The parsed config file (a flat mapping), and its path for errors. */
  file?: { path: string; values: unknown };
  /** Leave required fields unset without an error (to print an incomplete configuration). */
  allowMissing?: boolean;
}

export function resolveConfig<S extends Sections>(sections: S, input: ResolveInput): Resolved<S> {
  const fields = fieldsOf(sections);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const fromFile: Record<string, unknown> = {};
  const problems: string[] = [];
  let where: string | undefined; // the file when it is at fault, else the first bad flag
  if (input.file) {
    const v = input.file.values ?? {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new EpoError('BAD_CONFIG', 'a config file must be a mapping of keys to values (e.g. `concurrency: 16`)', { where: input.file.path });
    }
    for (const [raw, value] of Object.entries(v as Record<string, unknown>)) {
      const key = normaliseKey(raw);
      if (!byKey.has(key)) { problems.push(`${raw}: unknown key${suggest(key, [...byKey.keys()])}`); where = input.file.path; continue; }
      if (value !== null && value !== undefined) fromFile[key] = value;
    }
  }
  const config: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  for (const { key, field } of fields) {
    const [value, source]: [unknown, Source | undefined] = input.flags[key] !== undefined ? [input.flags[key], 'flag']
      : fromFile[key] !== undefined ? [fromFile[key], 'file'] : field.default !== undefined ? [field.default, 'default'] : [undefined, undefined];
    if (source === undefined) {
      if (field.required && !input.allowMissing) {
        problems.push(`${flagName(key)} is required (or \`${fileKey(key)}:\` in a config file)`);
        where ??= flagName(key);
      }
      continue;
    }
    const r = field.schema.safeParse(value);
    if (!r.success) {
      const why = r.error.issues.map((i) => i.message).join('; ');
      // said in the words the user wrote it in: the flag on the command line, the key in the file
      problems.push(source === 'flag' ? `${flagName(key)} ${why}` : source === 'file' ? `${fileKey(key)} ${why} (in ${input.file!.path}; flag ${flagName(key)})` : `${fileKey(key)} ${why} (its default)`);
      where = source === 'file' ? input.file!.path : where ?? flagName(key);
      continue;
    }
    config[key] = r.data;
    sources[key] = source;
  }
  if (problems.length) {
    throw new EpoError('BAD_CONFIG', problems.length === 1 ? problems[0] : `invalid configuration:\n  ${problems.join('\n  ')}`, { where });
  }
  return { config: config as ConfigOf<S>, sources };
}

function suggest(key: string, known: string[]): string {
  const close = known.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return close.length ? ` (did you mean ${close.map(fileKey).join(' or ')}?)` : '';
}

/** Edit distance, for "did you mean" (keys are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The configuration as a config file: `### section` headings, one `snake_case: value` line per set field, so the
 * output of `--print-config` (and the run folder's `config.yaml`) can be given back with `--config`.
 */
export function configToYaml<S extends Sections>(sections: S, config: ConfigOf<S>, header?: string): string {
  const values = config as Record<string, unknown>;
  const out: string[] = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()) : [];
  for (const [section, fields] of Object.entries(sections)) {
    const lines = Object.keys(fields).filter((k) => values[k] !== undefined)
      .map((k) => stringify({ [fileKey(k)]: values[k] }, { lineWidth: 0 }).trimEnd());
    if (!lines.length) continue;
    if (out.length) out.push('');
    out.push(`### ${section}`, ...lines);
  }
  return out.join('\n') + '\n';
}
