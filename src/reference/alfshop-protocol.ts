/**
 * `--protocol reference` for ALFWorld and WebShop, chosen once: a suite gets the release's layout, step limit and
 * one-shot examples (read from the installed files), and the roles get the release's decoding. Everything else of
 * the suite (tasks, environment, outcome) stays as it is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EpoError } from '../core/errors.js';
import { dataDir } from '../data/dir.js';
import { AlfworldEnv } from '../envs/alfworld/env.js';
import { WebShopEnv } from '../envs/webshop/env.js';
import type { Task, TextEnv } from '../core/env.js';
import type { Suite } from '../eval/suite.js';
import { loadAlfshopReference, type AlfshopEnv, type AlfshopReference } from './alfshop.js';
import { referenceLayout } from './alfshop-layout.js';

export const REFERENCE_ENVS: readonly AlfshopEnv[] = ['alfworld', 'webshop'];

export interface ReferenceSampling {
  strategist: { temperature: number; topP?: number };
  actor: { temperature: number; topP?: number };
  maxTokens: number;
}

/**
 * The sampling a role's calls send. The release's client sends temperature 0 (greedy: FastChat then ignores top_p),
 * so top_p is sent only when sampling: servers reject a top_p of 0, and with temperature 0 it changes nothing.
 */
export function referenceSampling(ref: AlfshopReference): ReferenceSampling {
  const role = (d: { temperature: number; topP: number }) => (d.temperature > 0 ? { temperature: d.temperature, topP: d.topP } : { temperature: d.temperature });
  return { strategist: role(ref.strategist), actor: role(ref.actor), maxTokens: ref.maxTokens };
}

/**
 * The ALFWorld the release ran speaks the older wording its prompts were written for ("put X in/on Y", "You arrive
 * at loc N."): `<data>/alfworld/logic-epo` when installed (an install from the public source lacks it: the games'
 * own grammar is then used, and the caller is told).
 */
function olderAlfworld<T extends Task>(suite: Suite<T>, root: string): { suite: Suite<T>; warning?: string } {
  const logic = join(root, 'alfworld', 'logic-epo');
  if (!existsSync(join(logic, 'alfred.twl2')) || !existsSync(join(logic, 'alfred.pddl'))) {
    return { suite, warning: `ALFWorld plays with the games' own grammar: ${logic} (the older wording the release ran) is not installed; install alfworld --from a folder holding logic-epo/ for exact observations` };
  }
  return { suite: { ...suite, makeEnv: () => new AlfworldEnv({ logic }) as unknown as TextEnv<T>, dataVersion: `${suite.dataVersion} logic-epo` } };
}

/** WebShop goals whose options are a dict are compared as (name, value) pairs, as the release's goal.py does. */
function pairedGoalOptions<T extends Task>(suite: Suite<T>): Suite<T> {
  return {
    ...suite,
    makeEnv: () => {
      const env = suite.makeEnv() as unknown as TextEnv<T>;
      return (env instanceof WebShopEnv ? new WebShopEnv(env.world, { goalOptions: 'pairs' }) : env) as unknown as ReturnType<Suite<T>['makeEnv']>;
    },
  };
}

/** The suite under the reference protocol, the sampling its roles must use, and what is not exact. */
export function referenceSuite<T extends Task>(suite: Suite<T>, root?: string): { suite: Suite<T>; sampling: ReferenceSampling; warnings: string[] } {
  if (!(REFERENCE_ENVS as readonly string[]).includes(suite.env)) {
    throw new EpoError('BAD_INPUT', `--protocol reference covers ${REFERENCE_ENVS.join(', ')} here (and SOTOPIA under eval sotopia), not ${suite.env}; use --protocol epo`, { where: '--protocol' });
  }
  const ref = loadAlfshopReference(suite.env as AlfshopEnv, root);
  const world = suite.env === 'alfworld' ? olderAlfworld(suite, root ?? dataDir()) : { suite: pairedGoalOptions(suite) };
  return {
    warnings: world.warning ? [world.warning] : [],
    suite: {
      ...world.suite, protocol: 'reference', layout: referenceLayout(ref), maxSteps: ref.maxSteps, example: undefined,
      exampleName: `reference ${ref.files.slice(-2).join(',')}`,
    },
    sampling: referenceSampling(ref),
  };
}
