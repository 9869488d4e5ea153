/**
 * The Tower of Hanoi as a text environment: disks of sizes 1..n sit on pegs A, B and C; the task is to stack them all
 * on peg C, moving one top disk at a time and never onto a smaller disk. Tasks start from any legal position, so the
 * shortest solution is not always the textbook one: a good strategy (which disk to free next) matters.
 *
 * Pure TypeScript with no imports: the engine, the task lists and the shortest-solution expert.
 */

export const PEGS = ['A', 'B', 'C'] as const;
export type Peg = 0 | 1 | 2;

export interface HanoiTask {
  id: string;
  env: 'hanoi';
  /** Disk count. */
  disks: number;
  /** The peg of each disk, smallest first (start[0] is disk 1). */
  start: Peg[];
  [key: string]: unknown;
}

/** Pegs as stacks, bottom first. */
export function stacks(pos: readonly Peg[]): number[][] {
  const s: number[][] = [[], [], []];
  for (let d = pos.length; d >= 1; d--) s[pos[d - 1]].push(d);
  return s;
}

export function render(pos: readonly Peg[]): string {
  return stacks(pos).map((st, p) => `Peg ${PEGS[p]}: ${st.length ? `${st.join(', ')} (top)` : 'empty'}`).join('\n');
}

/** Read the pegs back from the last position shown in a text (for the expert). */
export function parsePosition(text: string): Peg[] | undefined {
  const pos: Peg[] = [];
  let seen = 0;
  for (const m of text.matchAll(/Peg ([ABC]): ([^\n]*)/g)) {
    const peg = PEGS.indexOf(m[1] as 'A') as Peg;
    if (peg === 0) { pos.length = 0; seen = 0; } // a new position starts at peg A
    seen++;
    for (const d of m[2].match(/\d+/g) ?? []) pos[Number(d) - 1] = peg;
  }
  return seen === 3 && pos.length > 0 && !pos.includes(undefined as never) ? pos : undefined;
}

export const legalMoves = (pos: readonly Peg[]): [Peg, Peg][] => {
  const s = stacks(pos);
  const out: [Peg, Peg][] = [];
  for (const from of [0, 1, 2] as Peg[]) {
    const top = s[from].at(-1);
    if (top === undefined) continue;
    for (const to of [0, 1, 2] as Peg[]) {
      const under = s[to].at(-1);
      if (to !== from && (under === undefined || under > top)) out.push([from, to]);
    }
  }
  return out;
};

export const moveText = ([from, to]: [Peg, Peg]): string => `move ${PEGS[from]} to ${PEGS[to]}`;

/** Disks already home: how many of the largest disks sit on C with nothing wrong below them. */
export function placed(pos: readonly Peg[]): number {
  let k = 0;
  for (let d = pos.length; d >= 1 && pos[d - 1] === 2; d--) k++;
  return k;
}

/** The first move of a shortest solution from `pos` (undefined when solved): bring disk k to `target` by first
 *  clearing the smaller disks onto the third peg. */
export function expertMove(pos: readonly Peg[], k = pos.length, target: Peg = 2): [Peg, Peg] | undefined {
  if (k === 0) return undefined;
  if (pos[k - 1] === target) return expertMove(pos, k - 1, target);
  const other = (3 - pos[k - 1] - target) as Peg;
  return expertMove(pos, k - 1, other) ?? [pos[k - 1], target];
}

/** A seeded pseudo-random number generator (mulberry32), so task lists are the same everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` tasks with 2–4 disks from random unsolved positions; the split's seed fixes the list. */
export function makeTasks(split: string, count: number, seed: number): HanoiTask[] {
  const next = rng(seed);
  const tasks: HanoiTask[] = [];
  while (tasks.length < count) {
    const disks = 2 + Math.floor(next() * 3);
    const start = Array.from({ length: disks }, () => Math.floor(next() * 3) as Peg);
    if (placed(start) === disks) continue;
    tasks.push({ id: `${split}-${String(tasks.length).padStart(3, '0')}`, env: 'hanoi', disks, start, type: `${disks} disks` });
  }
  return tasks;
}

export interface HanoiStep { observation: string; reward: number; done: boolean; info: Record<string, unknown> }

export class HanoiEnv {
  readonly name = 'hanoi';
  private pos: Peg[] = [];

  reset(task: HanoiTask): string {
    this.pos = [...task.start];
    return `Move every disk onto peg C. Only the top disk of a peg can move, and never onto a smaller disk. ` +
      `Disks are numbered by size, 1 the smallest.\n${render(this.pos)}`;
  }

  step(action: string): HanoiStep {
    const m = /^move ([abc]) to ([abc])$/i.exec(action.trim());
    const move = m ? [PEGS.indexOf(m[1].toUpperCase() as 'A'), PEGS.indexOf(m[2].toUpperCase() as 'A')] as [Peg, Peg] : undefined;
    const legal = !!move && legalMoves(this.pos).some(([f, t]) => f === move[0] && t === move[1]);
    if (legal) this.pos[stacks(this.pos)[move![0]].at(-1)! - 1] = move![1];
    const won = placed(this.pos) === this.pos.length;
    const head = !m ? 'Nothing happens: write "move X to Y" with pegs A, B, C.' : !legal ? 'That move is not allowed.' : won ? 'Solved!' : 'Done.';
    return { observation: `${head}\n${render(this.pos)}`, reward: won ? 1 : 0, done: won, info: { won, progress: placed(this.pos) / this.pos.length } };
  }

  admissibleActions(): string[] {
    return legalMoves(this.pos).map(moveText);
  }
}
