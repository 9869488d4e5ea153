/**
 * TensorFlow.js backend selection for the built-in model. Order: `tensorflow` (tfjs-node, native, used automatically
 * when the user has `@tensorflow/tfjs-node` installed), then `wasm` (XNNPACK with SIMD), then `cpu` (plain JS).
 * On this project's 2-core reference machine wasm is 5-20x faster than cpu for these model sizes (see
 * docs/model.md and `npm run -s bench -- model`), so it is the default. `EPO_TF_BACKEND` forces one.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { EpoError } from '../core/errors.js';
import { registerModelGradients } from './grads.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let chosen: Promise<BackendName> | undefined;

async function tryNode(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
    return tf.findBackend('tensorflow') !== undefined;
  } catch {
    return false;
  }
}

async function select(prefer?: string): Promise<BackendName> {
  tf.env().set('PROD', true);
  registerModelGradients();
  if (prefer && !ORDER.includes(prefer as BackendName)) {
    throw new EpoError('BAD_CONFIG', `unknown TensorFlow.js backend "${prefer}"; use one of ${ORDER.join(', ')}`, { where: 'EPO_TF_BACKEND' });
  }
  const candidates = prefer ? [prefer as BackendName] : ORDER;
  for (const name of candidates) {
    if (name === 'tensorflow' && !(await tryNode())) continue;
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch { /* try the next one */ }
  }
  throw new EpoError('INTERNAL', `no TensorFlow.js backend could start (tried ${candidates.join(', ')})`, { where: 'src/model/backend.ts' });
}

/** Start the fastest available backend once per process and return its name (recorded in checkpoints and benches). */
export function initBackend(prefer: string | undefined = process.env.EPO_TF_BACKEND): Promise<BackendName> {
  chosen ??= select(prefer || undefined);
  return chosen;
}

/** Switch backend explicitly (benchmarks compare them). */
export async function useBackend(name: BackendName): Promise<BackendName> {
  chosen = select(name);
  return chosen;
}

export { tf };
