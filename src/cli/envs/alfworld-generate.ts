/** `epo data generate alfworld`: write new household games in the official `game.tw-pddl` format. */
import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EpoError } from '../../core/errors.js';
import { datasetDir } from '../../data/dir.js';
import {
  ROOM_TYPES, TASK_TYPES, checkOptions, writeSet, type GenerateOptions, type GrammarVariant, type RoomType, type TaskType,
} from '../../envs/alfworld/generator/index.js';
import { ALFWORLD_TASK_TYPES, parseTaskType } from '../../envs/alfworld/task-types.js';
import { parseNumber, RULES } from '../num.js';

/** `pick,clean` (equal shares) or `pick=3,look=1`. */
export function parseTypes(text: string): Partial<Record<TaskType, number>> {
  const out: Partial<Record<TaskType, number>> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, share = '1'] = part.split('=');
    const type = parseTaskType(name);
    const w = Number(share);
    if (!type) throw new EpoError('BAD_INPUT', `unknown task type "${name}"; use ${TASK_TYPES.join(', ')} or ${ALFWORLD_TASK_TYPES.map((t) => t.alias).join(', ')}`, { where: '--types' });
    if (!(w >= 0) || !Number.isFinite(w)) throw new EpoError('BAD_INPUT', `share of ${name} must be a non-negative number, got "${share}"`, { where: '--types' });
    out[type] = (out[type] ?? 0) + w;
  }
  return out;
}

function parseRooms(text: string): RoomType[] {
  const rooms = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of rooms) {
    if (!(ROOM_TYPES as readonly string[]).includes(r)) throw new EpoError('BAD_INPUT', `unknown room type "${r}"; use ${ROOM_TYPES.join(', ')}`, { where: '--rooms' });
  }
  return rooms as RoomType[];
}

function parseRange(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) throw new EpoError('BAD_INPUT', `expected N or MIN-MAX, got "${text}"`, { where: '--receptacles' });
  return [Number(m[1]), Number(m[2] ?? m[1])];
}


/** An existing output folder is replaced only if it holds a set generated before (its manifest says so). */
function clearOutput(out: string): void {
  if (!existsSync(out) || readdirSync(out).length === 0) return;
  const manifest = join(out, 'manifest.json');
  const previous = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { dataset?: string; games?: { path: string }[] }) : undefined;
  if (previous?.dataset !== 'alfworld-generated') {
    throw new EpoError('BAD_INPUT', 'output folder is not empty and holds no generated set; choose another --out', { where: out });
  }
  for (const g of previous.games ?? []) rmSync(join(out, g.path.split('/')[0]), { recursive: true, force: true });
  rmSync(manifest);
}

export function registerAlfworldGenerate(generate: Command): void {
  generate.command('alfworld')
    .description('write new ALFWorld household games (game.tw-pddl, official folder layout) with planned walkthroughs; same seed, same bytes')
    .option('--count <n>', 'number of games', '100')
    .option('--seed <s>', 'random seed', '0')
    .option('--out <dir>', 'output folder (default: <data folder>/alfworld-generated)')
    .option('--types <list>', `task types and shares, e.g. "pick,clean" or "pick=3,look=1" (names: ${ALFWORLD_TASK_TYPES.map((t) => t.alias).join(', ')} or the official ones); default: the official games' mix`)
    .option('--rooms <list>', `room types to use (${ROOM_TYPES.join(', ')}); default: all`)
    .option('--receptacles <range>', 'number of receptacles per game, N or MIN-MAX; default: as measured')
    .option('--distractors <n>', 'objects besides the ones the task needs; default: as measured')
    .option('--closed-share <p>', 'probability that an openable receptacle starts closed; default: as measured (1)')
    .option('--split <name>', 'write under <out>/json_2.1.1/<name>/ (the release layout, so `epo data install alfworld --from <out>` takes it)')
    .option('--grammar <variant>', 'release (move X to Y, as the current games) or epo (put X in/on Y, as the EPO reference)', 'release')
    .action((o: { count: string; seed: string; out?: string; types?: string; rooms?: string; receptacles?: string; distractors?: string; closedShare?: string; grammar: string; split?: string }) => {
      const count = parseNumber('--count', o.count, { integer: true, min: 1, max: 1_000_000 })!;
      const seed = parseNumber('--seed', o.seed, RULES.seed)!;
      const grammar = o.grammar as GrammarVariant;
      if (grammar !== 'release' && grammar !== 'epo') throw new EpoError('BAD_INPUT', `grammar must be release or epo, got "${o.grammar}"`, { where: '--grammar' });
      const closedShare = parseNumber('--closed-share', o.closedShare, RULES.fraction);
      if (o.split !== undefined && !/^[\w.-]+$/.test(o.split)) throw new EpoError('BAD_INPUT', `split must be a plain folder name, got "${o.split}"`, { where: '--split' });
      const base = resolve(o.out ?? datasetDir('alfworld-generated'));
      const out = o.split ? join(base, 'json_2.1.1', o.split) : base;
      const options: GenerateOptions = {
        seed,
        types: o.types ? parseTypes(o.types) : undefined,
        rooms: o.rooms ? parseRooms(o.rooms) : undefined,
        receptacles: o.receptacles ? parseRange(o.receptacles) : undefined,
        distractors: parseNumber('--distractors', o.distractors, { integer: true, min: 0, max: 1000 }),
        closedShare,
        grammar,
      };
      // Check the whole request before touching the folder.
      checkOptions(options);
      clearOutput(out);
      const t0 = performance.now();
      const summary = writeSet(out, count, options);
      const secs = (performance.now() - t0) / 1000;
      const steps = summary.games.reduce((s, g) => s + g.steps, 0) / count;
      process.stdout.write(`wrote ${count} games to ${out} in ${secs.toFixed(2)} s (seed ${seed}, mean walkthrough ${steps.toFixed(1)} steps)\n`);
      for (const [t, n] of Object.entries(summary.types).sort()) process.stdout.write(`  ${t.padEnd(32)} ${n}\n`);
      process.stdout.write(`  rooms: ${Object.entries(summary.rooms).sort().map(([r, n]) => `${r} ${n}`).join(', ')}\n`);
    });
}
