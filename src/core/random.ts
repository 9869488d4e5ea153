/**
 * Seeded random numbers. Everything stochastic in the project (task order, sampling, price draws, generators) takes
 * an explicit Rng so that a run is reproducible from its recorded seeds.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: T[]): T[];
  /** A new independent generator derived from this one (for per-episode streams). */
  fork(label?: string): Rng;
}

/** 32-bit FNV-1a, used to turn labels (task ids, names) into seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Derive a seed from a base seed and labels, e.g. deriveSeed(run.seed, taskId, trial). */
export function deriveSeed(base: number, ...labels: (string | number)[]): number {
  let h = base >>> 0;
  for (const l of labels) h = hashString(`${h}:${l}`);
  return h;
}

/** sfc32: small, fast, good statistical quality, and identical across platforms. */
export function createRng(seed: number): Rng {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const raw = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) raw(); // warm up so nearby seeds diverge
  const rng: Rng = {
    next: raw,
    int: (n) => Math.floor(raw() * n),
    uniform: (lo, hi) => lo + (hi - lo) * raw(),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(raw() * items.length)];
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(raw() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    fork: (label = '') => createRng(deriveSeed(Math.floor(raw() * 4294967296), label)),
  };
  return rng;
}
