/**
 * Configuration: a YAML file plus CLI flags, validated with zod. Flags override the file. An error names the field
 * and the file it came from, e.g. `rollout.concurrency: expected a positive integer (in runs.yaml)`.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import type { z } from 'zod';
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

/** Deep-merge plain objects; later sources win; undefined values in overrides are ignored. */
export function mergeConfig(...sources: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of sources) {
    if (!src || typeof src !== 'object') continue;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isPlain(v) && isPlain(prev) ? mergeConfig(prev, v) : v;
    }
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Validate with a zod schema; the error lists every bad field with its path and the source name. */
export function validateConfig<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new EpoError('BAD_CONFIG', `invalid configuration:\n  ${lines.join('\n  ')}`, { where: source });
}

/** Load `file` (optional), merge `flags` over it, validate. */
export function loadConfig<S extends z.ZodType>(schema: S, file: string | undefined, flags: Record<string, unknown> = {}): z.infer<S> {
  const fromFile = file ? readYamlFile(file) : {};
  return validateConfig(schema, mergeConfig(fromFile, flags), file ? `${file} (and command-line flags)` : 'command-line flags');
}

export const toYaml = (value: unknown): string => stringify(value);
