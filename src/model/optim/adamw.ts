/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter) with bias correction, global-norm gradient clipping and
 * gradient accumulation. Weight decay skips 1-D parameters (the RMSNorm gains), as common Llama recipes do.
 * The state (step and both moments) can be exported and restored, so training resumes exactly.
 */
import { tf } from '../backend.js';
import { EpoError } from '../../core/errors.js';
import { nativeKernels } from '../native.js';
import { ownView } from '../native-train.js';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** Scale gradients so that their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const sq = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
  const norm = Math.sqrt(sq.dataSync()[0]);
  sq.dispose();
  if (Number.isFinite(maxNorm) && maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (const [k, g] of grads) { grads.set(k, tf.mul(g, s)); g.dispose(); }
  }
  return norm;
}

/** Sums gradients of several micro-batches; `take` returns their mean and resets. */
export class GradAccumulator {
  private sum = new Map<string, tf.Tensor>();
  private n = 0;

  /** Add one micro-batch's gradients (they are disposed). */
  add(grads: Map<string, tf.Tensor>): void {
    for (const [k, g] of grads) {
      const prev = this.sum.get(k);
      if (prev) { this.sum.set(k, tf.add(prev, g)); prev.dispose(); g.dispose(); } else this.sum.set(k, g);
    }
    this.n++;
  }

  get count(): number { return this.n; }

  take(): Map<string, tf.Tensor> {
    if (this.n === 0) throw new EpoError('INTERNAL', 'no gradients were accumulated', { where: 'GradAccumulator.take' });
    const out = new Map<string, tf.Tensor>();
    for (const [k, g] of this.sum) { out.set(k, this.n === 1 ? g : tf.div(g, this.n)); if (this.n > 1) g.dispose(); }
    this.sum = new Map();
    this.n = 0;
    return out;
  }
}

/** The native engine's fused step, in place, when it is built and every tensor's memory is its own. */
function nativeStep(p: tf.Variable, g: tf.Tensor, m: tf.Variable, v: tf.Variable, hyper: number[]): boolean {
  const k = nativeKernels();
  if (!k) return false;
  const pv = ownView(p, true), mv = ownView(m, true), vv = ownView(v, true), gv = ownView(g);
  if (!pv || !mv || !vv || !gv) return false;
  k.adamw(pv, gv, mv, vv, Float64Array.from(hyper));
  return true;
}

export class AdamW {
  readonly opts: AdamWOptions;
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(private readonly params: Map<string, tf.Variable>, opts: Partial<AdamWOptions> = {}) {
    this.opts = { ...ADAMW_DEFAULTS, ...opts };
  }

  private moment(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let m = store.get(name);
    if (!m) {
      const zeros = tf.zerosLike(like);
      m = tf.variable(zeros, false);
      zeros.dispose(); // the variable alone holds the memory (so the native step may update it in place)
      store.set(name, m);
    }
    return m;
  }

  /** One update with learning rate lr; the gradients are disposed. In place on the native engine, else a tf graph. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const c1 = 1 - beta1 ** this.step, c2 = 1 - beta2 ** this.step;
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      if (!p) throw new EpoError('INTERNAL', `gradient for unknown parameter ${name}`, { where: 'AdamW.apply' });
      const m = this.moment(this.m, name, p), v = this.moment(this.v, name, p);
      const decay = p.shape.length > 1 && weightDecay > 0 ? 1 - lr * weightDecay : 1;
      if (nativeStep(p, g, m, v, [lr, beta1, beta2, c1, c2, eps, decay])) { g.dispose(); continue; }
      tf.tidy(() => {
        const m2 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const update = tf.div(tf.div(m2, c1), tf.add(tf.sqrt(tf.div(v2, c2)), eps));
        const decayed = p.shape.length > 1 && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        m.assign(m2);
        v.assign(v2);
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      });
      g.dispose();
    }
  }

  /** Moments as plain arrays named `exp_avg.<param>` / `exp_avg_sq.<param>` (our [in, out] layout) plus the step. */
  exportState(): { step: number; tensors: Map<string, { shape: number[]; data: Float32Array }> } {
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [prefix, store] of [['exp_avg', this.m], ['exp_avg_sq', this.v]] as const) {
      for (const [name, t] of store) tensors.set(`${prefix}.${name}`, { shape: t.shape, data: t.dataSync() as Float32Array });
    }
    return { step: this.step, tensors };
  }

  importState(state: { step: number; tensors: Map<string, { shape: number[]; data: Float32Array }> }): void {
    this.dispose();
    this.step = state.step;
    for (const [key, t] of state.tensors) {
      const dot = key.indexOf('.');
      const prefix = key.slice(0, dot), name = key.slice(dot + 1);
      const p = this.params.get(name);
      if (!p) throw new EpoError('BAD_DATA', `optimizer state names unknown parameter ${name}`, { where: 'optimizer.safetensors' });
      const init = tf.tensor(t.data, t.shape);
      (prefix === 'exp_avg' ? this.m : this.v).set(name, tf.variable(init, false));
      init.dispose();
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
