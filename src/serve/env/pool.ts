/**
 * The environment instances a server holds: integer ids handed out in order (as AgentGym's servers do), a bound on
 * how many live at once, and eviction of instances idle longer than a timeout. The clock is injected so eviction is
 * tested without waiting; expired instances are dropped on every access, and a periodic sweep frees memory.
 */
export interface PoolOptions {
  maxInstances: number;
  /** Milliseconds an instance may sit unused before it is evicted (Infinity: never). */
  idleMs: number;
  now?: () => number;
}

interface Entry<S> { value: S; lastUsed: number }

export type Lookup<S> = { ok: true; value: S } | { ok: false; why: 'unknown' | 'evicted' | 'closed' };

export class InstancePool<S> {
  private readonly entries = new Map<number, Entry<S>>();
  /** Ids that existed once, with why they are gone, so a client learns what happened to its instance. */
  private readonly gone = new Map<number, 'evicted' | 'closed'>();
  private nextId = 0;
  private readonly now: () => number;

  constructor(readonly opts: PoolOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number { return this.entries.size; }
  ids(): number[] { return [...this.entries.keys()]; }

  /** A new instance's id, or undefined when the pool is full even after evicting idle ones. */
  add(make: () => S): number | undefined {
    this.sweep();
    if (this.entries.size >= this.opts.maxInstances) return undefined;
    const id = this.nextId++;
    this.entries.set(id, { value: make(), lastUsed: this.now() });
    return id;
  }

  /** The instance (and marks it used), or why there is none. */
  get(id: number): Lookup<S> {
    const e = this.entries.get(id);
    if (!e) return { ok: false, why: this.gone.get(id) ?? 'unknown' };
    const t = this.now();
    if (t - e.lastUsed > this.opts.idleMs) { this.drop(id, 'evicted'); return { ok: false, why: 'evicted' }; }
    e.lastUsed = t;
    return { ok: true, value: e.value };
  }

  close(id: number): boolean {
    if (!this.entries.has(id)) return false;
    this.drop(id, 'closed');
    return true;
  }

  /** Evict every instance idle past the timeout; returns how many went. */
  sweep(): number {
    const t = this.now();
    let n = 0;
    for (const [id, e] of this.entries) if (t - e.lastUsed > this.opts.idleMs) { this.drop(id, 'evicted'); n++; }
    return n;
  }

  private drop(id: number, why: 'evicted' | 'closed'): void {
    this.entries.delete(id);
    this.gone.set(id, why);
    // Remember only recent departures: the memory of gone ids stays bounded however long the server runs.
    if (this.gone.size > 4 * this.opts.maxInstances + 1024) this.gone.delete(this.gone.keys().next().value!);
  }
}

/** What a client is told about an id that has no live instance. */
export function missingMessage(id: number, why: 'unknown' | 'evicted' | 'closed'): string {
  if (why === 'evicted') return `The id ${id} was evicted after sitting idle past the server's idle timeout; create a new instance (POST /create)`;
  if (why === 'closed') return `The id ${id} has been closed; create a new instance (POST /create)`;
  return `The id ${id} is not valid; create an instance first (POST /create)`;
}
