/**
 * A conformance check for `TextEnv` implementations, after Gymnasium's environment checker: run it on your own
 * environment before evaluating or training on it. It plays short seeded walks over a few tasks and reports what
 * breaks the contract (errors) or what is likely to hurt (warnings):
 *   - reset returns the first observation as non-empty text; step returns { observation, reward, done, info } with a
 *     finite reward, a boolean done and a JSON-serialisable plain-object info (episodes are stored as JSON);
 *   - admissible actions, when offered, are distinct non-empty single-line texts, and each can be stepped;
 *   - an action the environment does not know is answered, not thrown (agents write anything);
 *   - the same task, seed and actions give the same observations, rewards and done flags (resume and comparisons
 *     rely on it), also when two instances are interleaved (makeEnv must not share state between instances);
 *   - `info.progress`, when reported (environment-grounded process rewards read it), lies in [0, 1].
 */
import type { StepResult, Task, TextEnv } from '../core/env.js';
import { createRng } from '../core/random.js';

export interface EnvCheckReport {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** Steps taken by the check. */
  steps: number;
}

export interface EnvCheckOptions {
  /** Tasks to play (the first ones of the list). Default 3. */
  tasks?: number;
  /** Steps per walk. Default 20. */
  steps?: number;
  seed?: number;
  /** An action the environment surely does not know. */
  invalidAction?: string;
}

interface Walk { observations: string[]; rewards: number[]; dones: boolean[] }

export async function checkTextEnv<T extends Task>(makeEnv: () => TextEnv<T>, tasks: readonly T[], opts: EnvCheckOptions = {}): Promise<EnvCheckReport> {
  const errors: string[] = [], warnings: string[] = [];
  let steps = 0;
  const err = (m: string) => { if (!errors.includes(m)) errors.push(m); };
  const warn = (m: string) => { if (!warnings.includes(m)) warnings.push(m); };
  const maxSteps = opts.steps ?? 20, seed = opts.seed ?? 0;
  const invalid = opts.invalidAction ?? 'xyzzy plugh 42';
  if (!tasks.length) return { ok: false, errors: ['no tasks to check the environment on'], warnings, steps };

  const attempt = async <R>(what: string, f: () => R | Promise<R>): Promise<R | undefined> => {
    try { return await f(); } catch (e) { err(`${what} threw: ${(e as Error)?.message ?? String(e)}`); return undefined; }
  };

  const checkStep = (r: unknown, where: string): r is StepResult => {
    if (!r || typeof r !== 'object') { err(`${where}: step must return { observation, reward, done, info }, got ${typeof r}`); return false; }
    const s = r as Record<string, unknown>;
    if (typeof s.observation !== 'string') err(`${where}: observation must be text, got ${typeof s.observation}`);
    if (typeof s.reward !== 'number' || !Number.isFinite(s.reward)) err(`${where}: reward must be a finite number, got ${String(s.reward)}`);
    if (typeof s.done !== 'boolean') err(`${where}: done must be a boolean, got ${typeof s.done}`);
    if (!s.info || typeof s.info !== 'object' || Array.isArray(s.info)) err(`${where}: info must be a plain object`);
    else {
      try { JSON.stringify(s.info); } catch (e) { err(`${where}: info must be JSON-serialisable (${(e as Error).message})`); }
      const p = (s.info as Record<string, unknown>).progress;
      if (p !== undefined && (typeof p !== 'number' || !(p >= 0 && p <= 1))) warn(`${where}: info.progress should be a number in [0, 1], got ${String(p)}`);
    }
    return typeof s.observation === 'string' && typeof s.done === 'boolean';
  };

  const admissible = async (env: TextEnv<T>, where: string): Promise<string[] | undefined> => {
    if (!env.admissibleActions) return undefined;
    const list = await attempt(`${where}: admissibleActions()`, () => env.admissibleActions!());
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string')) { err(`${where}: admissibleActions() must return a list of texts`); return undefined; }
    if (list.some((a) => !a.trim() || /[\r\n]/.test(a))) err(`${where}: admissible actions must be non-empty single lines`);
    if (new Set(list).size !== list.length) warn(`${where}: admissible actions repeat an entry`);
    return list;
  };

  /** A seeded walk: admissible actions when offered, else the invalid probe (the environment decides). */
  const walk = async (env: TextEnv<T>, task: T, label: string): Promise<Walk | undefined> => {
    const first = await attempt(`${label}: reset`, () => env.reset(task, seed));
    if (first === undefined) return undefined;
    if (typeof first !== 'string' || !first.trim()) { err(`${label}: reset must return the first observation as non-empty text`); return undefined; }
    const w: Walk = { observations: [first], rewards: [], dones: [] };
    const rng = createRng(seed);
    for (let i = 0; i < maxSteps; i++) {
      const where = `${label} step ${i + 1}`;
      const options = await admissible(env, where);
      const action = options?.length ? options[Math.floor(rng.next() * options.length)] : invalid;
      const r = await attempt(`${where}: step(${JSON.stringify(action)})`, () => env.step(action));
      steps++;
      if (r === undefined || !checkStep(r, where)) return undefined;
      w.observations.push(r.observation); w.rewards.push(r.reward); w.dones.push(r.done);
      if (r.done) break;
    }
    return w;
  };

  if (typeof makeEnv !== 'function') return { ok: false, errors: ['makeEnv must be a function returning a fresh environment'], warnings, steps };
  const probe = await attempt('makeEnv()', makeEnv);
  if (!probe) return { ok: false, errors, warnings, steps };
  if (typeof probe.name !== 'string' || !probe.name) err('the environment needs a non-empty `name`');
  if (typeof probe.reset !== 'function' || typeof probe.step !== 'function') {
    err('the environment needs reset(task, seed) and step(action)');
    return { ok: false, errors, warnings, steps };
  }

  for (const task of tasks.slice(0, opts.tasks ?? 3)) {
    const label = `task ${task.id}`;
    const a = await walk(makeEnv(), task, label);
    if (!a) continue;
    // the same walk again, on a fresh instance: same results
    const b = await walk(makeEnv(), task, `${label} (again)`);
    if (b && JSON.stringify(a) !== JSON.stringify(b)) err(`${label}: the same task, seed and actions gave different observations, rewards or done flags (is there unseeded randomness?)`);
    // reset reuses an instance: the first observation is the same as on a fresh one
    const reused = makeEnv();
    await attempt(`${label}: reset`, () => reused.reset(task, seed));
    const again = await attempt(`${label}: second reset`, () => reused.reset(task, seed));
    if (again !== undefined && again !== a.observations[0]) err(`${label}: reset on a used instance gave another first observation than on a fresh one`);
    // an unknown action is answered, not thrown
    const fresh = makeEnv();
    await attempt(`${label}: reset`, () => fresh.reset(task, seed));
    const r = await attempt(`${label}: step with an unknown action ${JSON.stringify(invalid)}`, () => fresh.step(invalid));
    steps++;
    if (r !== undefined) checkStep(r, `${label} unknown action`);
    // two instances interleaved give the same as one alone
    const x = makeEnv(), y = makeEnv();
    const fx = await attempt(`${label}: reset`, () => x.reset(task, seed));
    await attempt(`${label}: reset`, () => y.reset(task, seed));
    if (fx !== undefined && a.dones.length) {
      const rng = createRng(seed);
      const options = await admissible(x, label);
      const action = options?.length ? options[Math.floor(rng.next() * options.length)] : invalid;
      const sx = await attempt(`${label}: step`, () => x.step(action));
      const sy = await attempt(`${label}: step`, () => y.step(action));
      steps += 2;
      if (sx && sy && (sx.observation !== a.observations[1] || sy.observation !== a.observations[1])) {
        err(`${label}: two instances stepped in turn disagree with one alone (do instances share state?)`);
      }
    }
  }
  return { ok: errors.length === 0, errors, warnings, steps };
}
