/**
 * A command's flags generated from its config schema, plus `--config FILE` and `--print-config`. Commander holds no
 * defaults (the schema does), so a value present in the parsed options is one the user typed.
 */
import { Option, type Command } from 'commander';
import { readYamlFile } from '../config/load.js';
import { configToYaml, resolveConfig, type Resolved } from '../config/resolve.js';
import { fieldsOf, flagName, type Field, type Sections } from '../config/schema.js';
import { redact } from '../core/secrets.js';

const describe = (f: Field): string => {
  const parts = [f.help];
  if (f.choices && !f.choices.every((c) => f.help.includes(c))) parts.push(`(${f.choices.join(', ')})`);
  if (f.default !== undefined && !(f.kind === 'boolean' && f.default === false)) {
    parts.push(`(default: ${Array.isArray(f.default) ? f.default.join(',') || 'none' : String(f.default)})`);
  } else if (f.defaultText) parts.push(`(default: ${f.defaultText})`);
  return parts.join(' ');
};

/** Add one flag per field (and the config flags) to `cmd`. `skip` leaves out fields a subcommand does not use. */
export function addConfigOptions(cmd: Command, sections: Sections, skip: (key: string) => boolean = () => false): Command {
  for (const { key, field } of fieldsOf(sections)) {
    if (skip(key)) continue;
    const flag = flagName(key);
    if (field.kind === 'boolean') {
      // a field that defaults to true is turned off with --no-…; commander then reports its value as a default
      cmd.addOption(new Option(field.default === true ? `--no-${flag.slice(2)}` : flag, describe(field)));
    } else if (field.kind === 'repeat') {
      cmd.addOption(new Option(`${flag} ${field.arg}`, `${describe(field)} (repeatable)`).argParser((v: string, acc: string[] | undefined) => [...(acc ?? []), v]));
    } else {
      cmd.addOption(new Option(`${flag} ${field.arg}`, describe(field)));
    }
  }
  cmd.option('--config <file>', 'read settings from a YAML file (flags given here override it; see --print-config)');
  cmd.option('--print-config', 'print the resolved configuration as YAML (usable with --config) and exit');
  return cmd;
}

export interface CommandConfig<S extends Sections> extends Resolved<S> {
  /** True when --print-config was given: the caller prints nothing else and returns. */
  printOnly: boolean;
  /** The resolved configuration as YAML (secrets redacted). */
  yaml: string;
  /** Was this key given (by a flag or the file), rather than left to its default? */
  given(key: string): boolean;
}

/** Resolve the command's configuration from its parsed flags and `--config`; prints it and marks `printOnly` for
 *  `--print-config`. */
export function commandConfig<S extends Sections>(cmd: Command, sections: S, header?: string): CommandConfig<S> {
  const opts = cmd.opts() as Record<string, unknown>;
  const flags: Record<string, unknown> = {};
  for (const { key } of fieldsOf(sections)) {
    if (cmd.getOptionValueSource(key) === 'cli') flags[key] = opts[key];
  }
  const file = typeof opts.config === 'string' ? { path: opts.config, values: readYamlFile(opts.config) } : undefined;
  const printOnly = opts.printConfig === true;
  const r = resolveConfig(sections, { flags, file, allowMissing: printOnly });
  const yaml = redact(configToYaml(sections, r.config, header));
  if (printOnly) process.stdout.write(yaml);
  return { ...r, printOnly, yaml, given: (key) => r.sources[key] === 'flag' || r.sources[key] === 'file' };
}
