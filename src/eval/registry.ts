/**
 * The registry of environments that evaluation and self-play can run: the built-in suites (ALFWorld, WebShop), the
 * ones registered in code (`registerEnvironment`), and modules loaded by path or package name (`--env ./my-env.ts`,
 * `--env my-epo-env`). A module exports an `EnvironmentDefinition` as its default export or as `environment`.
 * SOTOPIA, a two-seat environment, has its own loop and command (`epo eval sotopia`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EpoError } from '../core/errors.js';
import { registerScriptedModel } from '../llm/named-scripts.js';
import { suiteFactory, validateDefinition, type EnvironmentDefinition } from './define.js';
import type { SuiteFactory } from './suite.js';

const registry = new Map<string, SuiteFactory>([
  ['alfworld', {
    describe: 'ALFWorld text household games (success overall and per task type)',
    defaults: { split: 'valid_unseen', trainSplit: 'valid_train', evalSplit: 'valid_seen' },
    build: async (o) => (await import('./suites/alfworld.js')).alfworldSuite(o),
  }],
  ['webshop', {
    describe: 'WebShop (average reward ×100, success = reward 1.0)',
    defaults: { split: 'test', trainSplit: 'train', evalSplit: 'test' },
    build: async (o) => (await import('./suites/webshop.js')).webshopSuite(o),
  }],
]);

/** The built-in suites, by name (for the CLI's subcommands). */
export const BUILTIN_SUITES = ['alfworld', 'webshop'] as const;

/** Make a definition runnable by name (`--env <name>`), and register the scripted models it provides. */
export function registerEnvironment(d: EnvironmentDefinition<any>): SuiteFactory {
  const def = validateDefinition(d, `environment ${(d as { name?: unknown })?.name ?? '?'}`);
  const factory = suiteFactory(def);
  registry.set(def.name, factory);
  for (const [name, f] of Object.entries(def.scriptedModels ?? {})) registerScriptedModel(name, f);
  return factory;
}

/** Register a suite factory under a name (a program's own suites; tests' fake ones). */
export function registerSuite(name: string, factory: SuiteFactory): void {
  registry.set(name, factory);
}

/** Forget a registered suite (the built-in ones stay). */
export function unregisterSuite(name: string): void {
  if (!(BUILTIN_SUITES as readonly string[]).includes(name)) registry.delete(name);
}

export const registeredEnvironments = (): string[] => [...registry.keys()];

/** A registered suite by name (no module loading), or undefined. */
export const registeredSuite = (name: string): SuiteFactory | undefined => registry.get(name);

const looksLikePath = (ref: string): boolean => /^(\.{1,2}[/\\]|\/|[A-Za-z]:[/\\])/.test(ref) || /\.(m?[jt]s|cjs|cts|mts)$/.test(ref);

/**
 * The suite factory for `--env`: a registered name, a module path (TypeScript is compiled on the fly), or an
 * installed package. Loading a module registers its environment under its own name.
 */
export async function resolveEnvironment(ref: string): Promise<{ name: string; factory: SuiteFactory }> {
  const known = registry.get(ref);
  if (known) return { name: ref, factory: known };
  let mod: Record<string, unknown>;
  if (looksLikePath(ref)) {
    const path = isAbsolute(ref) ? ref : resolve(ref);
    if (!existsSync(path)) throw new EpoError('NOT_FOUND', `no environment module at ${path}`, { where: '--env' });
    mod = await importModule(path);
  } else {
    try {
      mod = await import(ref) as Record<string, unknown>;
    } catch (e) {
      throw new EpoError('NOT_FOUND', `"${ref}" is neither a known environment (${[...registry.keys()].join(', ')}) nor an installed package: ${(e as Error).message.split('\n')[0]}`, { where: '--env', cause: e });
    }
  }
  const def = validateDefinition(mod.default ?? mod.environment, ref);
  return { name: def.name, factory: registerEnvironment(def) };
}

/** Import a module by path; `.ts` files through tsx, so users need no build step. */
async function importModule(path: string): Promise<Record<string, unknown>> {
  try {
    if (/\.[cm]?ts$/.test(path)) {
      const { tsImport } = await import('tsx/esm/api');
      return await tsImport(pathToFileURL(path).href, import.meta.url) as Record<string, unknown>;
    }
    return await import(pathToFileURL(path).href) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof EpoError) throw e;
    throw new EpoError('BAD_INPUT', `cannot load environment module: ${(e as Error).message.split('\n')[0]}`, { where: path, cause: e });
  }
}
