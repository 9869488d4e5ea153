/**
 * The proxy's strategists, one per arm (A, and B with a candidate), each swappable while the proxy serves. A request
 * leases the arm's current model for its whole strategist call; a swap loads the new model first (a checkpoint
 * that cannot load leaves the old one in place), then makes it current, and closes the old one only when its last
 * lease ends. So in-flight requests finish on the model they started with, and none is dropped.
 */
import { EpoError } from '../../core/errors.js';
import type { ChatModel } from '../../llm/model.js';
import { publicSpec } from '../../llm/spec.js';

export type Arm = 'A' | 'B';
export type LoadModel = (spec: string) => ChatModel;

interface Slot { model: ChatModel; spec: string; leases: number; retired: boolean }

export interface Lease { model: ChatModel; spec: string; release(): void }

export class Strategists {
  private readonly slots = new Map<Arm, Slot>();
  private swaps = 0;

  constructor(private readonly load: LoadModel) {}

  /** Load an arm's first model (or a new one: see swap). */
  async set(arm: Arm, spec: string): Promise<void> {
    const model = this.load(spec);
    try {
      await model.ready?.();
    } catch (e) {
      await model.close?.().catch(() => undefined);
      throw new EpoError(e instanceof EpoError ? e.code : 'BAD_SPEC', `cannot load the strategist ${publicSpec(spec)}: ${(e as Error).message}`, { where: `strategist ${arm}`, cause: e });
    }
    const old = this.slots.get(arm);
    this.slots.set(arm, { model, spec: publicSpec(spec), leases: 0, retired: false });
    if (old) { this.swaps++; this.retire(old); }
  }

  /** Hot swap: the same as set, for an arm that exists. */
  async swap(arm: Arm, spec: string): Promise<void> {
    if (!this.slots.has(arm)) throw new EpoError('BAD_INPUT', `there is no strategist ${arm} (B exists only with --candidate)`, { where: 'arm' });
    await this.set(arm, spec);
  }

  has(arm: Arm): boolean { return this.slots.has(arm); }

  spec(arm: Arm): string {
    const s = this.slots.get(arm);
    if (!s) throw new EpoError('INTERNAL', `no strategist ${arm}`);
    return s.spec;
  }

  specs(): Partial<Record<Arm, string>> {
    return Object.fromEntries([...this.slots].map(([arm, s]) => [arm, s.spec]));
  }

  swapCount(): number { return this.swaps; }

  lease(arm: Arm): Lease {
    const slot = this.slots.get(arm) ?? this.slots.get('A');
    if (!slot) throw new EpoError('INTERNAL', 'no strategist loaded');
    slot.leases++;
    let done = false;
    return {
      model: slot.model, spec: slot.spec,
      release: () => {
        if (done) return;
        done = true;
        slot.leases--;
        if (slot.retired && slot.leases === 0) void slot.model.close?.().catch(() => undefined);
      },
    };
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    if (slot.leases === 0) void slot.model.close?.().catch(() => undefined);
  }

  async close(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.model.close?.().catch(() => undefined)));
  }
}

/** Which arm a new session goes to: B with probability `split`, from a seeded stream (session n's draw is fixed). */
export function assignArm(draw: number, split: number, hasB: boolean): Arm {
  return hasB && draw < split ? 'B' : 'A';
}
