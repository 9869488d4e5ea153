/**
 * Command configuration as data: one schema per command, each field with its type, range, default and help text.
 * The schema is the one source of truth: the command's flags are generated from it, a YAML file given with
 * `--config` is read against it, and the resolved configuration is printed (`--print-config`) and written into the
 * run folder from it. After nanoGPT's configurator and TRL's config classes; the file layout follows
 * LLaMA-Factory's training YAML: flat `snake_case` keys grouped under `### section` comments.
 *
 * Precedence: a flag given on the command line > the config file > the field's default.
 */
import { z } from 'zod';
import { describeRule, readNumber, type NumberRule } from './number.js';

export type FieldKind = 'int' | 'number' | 'string' | 'boolean' | 'list' | 'repeat';

export interface Field<T = unknown> {
  kind: FieldKind;
  help: string;
  /** Validates (and for numbers coerces) one value, from a flag (a string) or from the file (any YAML value). */
  schema: z.ZodType<T>;
  default?: T;
  /** Said in the help when there is no fixed default, e.g. "the environment's step limit". */
  defaultText?: string;
  /** The value's name in the help, e.g. `<spec>`. */
  arg?: string;
  /** When set, only these values are allowed (listed in the help). */
  choices?: readonly string[];
  /** The command cannot run without it (from a flag or the file). */
  required?: boolean;
}

export type Section = Record<string, Field<any>>;
export type Sections = Record<string, Section>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type FieldValue<F> = F extends Field<infer T> ? (F extends { default: unknown } | { required: true } ? T : T | undefined) : never;
/** The resolved configuration of a schema: its fields flattened (keys are unique across sections). */
export type ConfigOf<S extends Sections> = UnionToIntersection<{ [K in keyof S]: { [F in keyof S[K]]: FieldValue<S[K][F]> } }[keyof S]>;

// ---- field builders ---------------------------------------------------------------------------------------------

interface Common<T> { default?: T; defaultText?: string; arg?: string; required?: boolean }
type WithDefault<T, O> = O extends { default: T } ? Field<T> & { default: T } : O extends { required: true } ? Field<T> & { required: true } : Field<T>;

function numeric(rule: NumberRule): z.ZodType<number> {
  return z.unknown().transform((v, ctx) => {
    const x = readNumber(v, rule);
    if (x === undefined) { ctx.addIssue({ code: 'custom', message: `must be ${describeRule(rule)}, got ${JSON.stringify(v)}` }); return z.NEVER; }
    return x;
  });
}

type NumberOptions = Common<number> & Omit<NumberRule, 'integer'>;
const ruleOf = (o: NumberOptions, integer: boolean): NumberRule => ({ integer, min: o.min, above: o.above, max: o.max, unit: o.unit });

/** A whole number within a rule, e.g. `int('episodes per task', { ...RULES.trials, default: 1 })`. */
export function int<O extends NumberOptions>(help: string, o: O = {} as O): WithDefault<number, O> {
  return { kind: 'int', help, schema: numeric(ruleOf(o, true)), arg: o.arg ?? '<n>', ...pick(o) } as WithDefault<number, O>;
}

export function num<O extends NumberOptions>(help: string, o: O = {} as O): WithDefault<number, O> {
  return { kind: 'number', help, schema: numeric(ruleOf(o, false)), arg: o.arg ?? '<x>', ...pick(o) } as WithDefault<number, O>;
}

export function str<O extends Common<string> & { choices?: readonly string[] }>(help: string, o: O = {} as O): WithDefault<string, O> {
  const choices = o.choices;
  const schema = z.unknown().transform((v, ctx) => {
    const s = typeof v === 'number' ? String(v) : v;
    if (typeof s !== 'string' || s.trim() === '') { ctx.addIssue({ code: 'custom', message: `must be a non-empty text, got ${JSON.stringify(v)}` }); return z.NEVER; }
    if (choices && !choices.includes(s)) { ctx.addIssue({ code: 'custom', message: `must be one of ${choices.join(', ')}, got "${s}"` }); return z.NEVER; }
    return s;
  });
  return { kind: 'string', help, schema, arg: o.arg ?? '<value>', ...(choices ? { choices } : {}), ...pick(o) } as WithDefault<string, O>;
}

export function bool<O extends Common<boolean>>(help: string, o: O = {} as O): WithDefault<boolean, O> {
  const schema = z.unknown().transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    ctx.addIssue({ code: 'custom', message: `must be true or false, got ${JSON.stringify(v)}` });
    return z.NEVER;
  });
  return { kind: 'boolean', help, schema, ...pick(o) } as WithDefault<boolean, O>;
}

const textList = (sep: RegExp) => z.unknown().transform((v, ctx) => {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(sep) : undefined;
  if (!items || items.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
    ctx.addIssue({ code: 'custom', message: `must be a list of texts (comma-separated on the command line), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return items.map((x) => String(x).trim()).filter(Boolean);
});

/** A comma-separated list on the command line, a YAML list (or the same text) in the file. */
export function list<O extends Common<string[]>>(help: string, o: O = {} as O): WithDefault<string[], O> {
  return { kind: 'list', help, schema: textList(/,/), arg: o.arg ?? '<list>', ...pick(o) } as WithDefault<string[], O>;
}

/** A flag given several times on the command line, a YAML list in the file. */
export function repeat<O extends Common<string[]>>(help: string, o: O = {} as O): WithDefault<string[], O> {
  return { kind: 'repeat', help, schema: textList(/\n/), arg: o.arg ?? '<value>', ...pick(o) } as WithDefault<string[], O>;
}

function pick<T>(o: Common<T>): Partial<Field<T>> {
  return { ...(o.default !== undefined ? { default: o.default } : {}), ...(o.defaultText ? { defaultText: o.defaultText } : {}), ...(o.required ? { required: true } : {}) };
}

/** A copy of a field with another default (a command that shares a field but not its default). */
export const withDefault = <T>(f: Field<T>, value: T): Field<T> & { default: T } => ({ ...f, default: value });

// ---- names ------------------------------------------------------------------------------------------------------

/** `maxSteps` → `--max-steps` */
export const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
/** `maxSteps` → `max_steps` (the key in config files) */
export const fileKey = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every field of a schema with its section, in declaration order. */
export function fieldsOf(sections: Sections): { key: string; section: string; field: Field }[] {
  const out: { key: string; section: string; field: Field }[] = [];
  const seen = new Set<string>();
  for (const [section, fields] of Object.entries(sections)) {
    for (const [key, field] of Object.entries(fields)) {
      if (seen.has(key)) throw new Error(`config field "${key}" is declared twice`); // a programming error
      seen.add(key);
      out.push({ key, section, field });
    }
  }
  return out;
}
