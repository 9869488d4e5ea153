/**
 * The `wandb` tracker through Weights & Biases' official JavaScript SDK (`@wandb/sdk`), an optional dependency loaded
 * only when asked for. Online when WANDB_API_KEY is set, offline mode otherwise (WANDB_MODE=offline and the SDK's
 * `offline` setting). The key is read by the SDK from the environment; epo never stores or prints it. The SDK's
 * `log(values, step)` takes the step as its second argument; it has no tables yet, so a table is logged as JSON text
 * unless the installed SDK offers `Table`.
 */
import { EpoError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import type { TableRow, Tracker } from './tracker.js';

export const WANDB_PACKAGE = '@wandb/sdk';

/** The part of the SDK used here. */
export interface WandbSdk {
  init(o: { project?: string; name?: string; config?: Record<string, unknown>; dir?: string; mode?: string; settings?: { offline?: boolean } }): unknown;
  log(values: Record<string, unknown>, step?: number, commit?: boolean): unknown;
  finish(): unknown;
  Table?: new (o: { columns: string[]; data: unknown[][] }) => unknown;
}

export interface WandbOptions {
  dir: string;
  project?: string;
  name: string;
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** How the SDK is loaded (tests give a fake one). */
  load?: () => Promise<unknown>;
}

export async function wandbTracker(o: WandbOptions): Promise<Tracker> {
  const env = o.env ?? process.env;
  let mod: unknown;
  try {
    mod = await (o.load ?? (() => import(/* optional */ WANDB_PACKAGE as string)))();
  } catch (e) {
    throw new EpoError('NOT_FOUND', `--report-to wandb needs the Weights & Biases SDK, which is not installed: run \`npm i ${WANDB_PACKAGE}\` beside epo, or use --report-to jsonl or tensorboard`, { where: '--report-to', cause: e });
  }
  const sdk = ((mod as { default?: WandbSdk }).default ?? mod) as WandbSdk;
  if (typeof sdk?.init !== 'function' || typeof sdk.log !== 'function') {
    throw new EpoError('BAD_INPUT', `the installed ${WANDB_PACKAGE} has no init/log functions: install a current version`, { where: '--report-to' });
  }
  const mode = env.WANDB_MODE ?? (env.WANDB_API_KEY ? 'online' : 'offline');
  if (!env.WANDB_MODE) env.WANDB_MODE = mode; // the SDK reads its mode from the environment too
  try {
    await sdk.init({ project: o.project ?? env.WANDB_PROJECT ?? 'epo', name: o.name, config: o.config, dir: o.dir, mode, ...(mode === 'offline' ? { settings: { offline: true } } : {}) });
  } catch (e) {
    throw new EpoError('BAD_INPUT', `Weights & Biases could not start an ${mode} run: ${(e as Error).message}; set WANDB_API_KEY (or log in with \`wandb login\`), or use --report-to jsonl or tensorboard`, { where: '--report-to', cause: e });
  }
  const pending: Promise<unknown>[] = [];
  const keep = (p: unknown) => { if (p && typeof (p as Promise<unknown>).then === 'function') pending.push((p as Promise<unknown>).catch(() => undefined)); };
  const table = (rows: readonly TableRow[]) => {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const data = rows.map((r) => columns.map((c) => r[c] ?? null));
    // Sample trajectories hold model text: redacted like every other record epo writes.
    const clean = data.map((r) => r.map((v) => (typeof v === 'string' ? redact(v) : v)));
    return sdk.Table ? new sdk.Table({ columns, data: clean }) : redact(JSON.stringify(rows));
  };
  return {
    scalar: (name, value, step) => keep(sdk.log({ [name]: value }, step)),
    table: (name, rows, step) => keep(sdk.log({ [name]: table(rows) }, step)),
    async close() { await Promise.all(pending); await sdk.finish(); },
  };
}
