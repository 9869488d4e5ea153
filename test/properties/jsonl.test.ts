/**
 * Properties of the JSON Lines episode reader (src/store/jsonl.ts readEpisodes, src/store/episode-shape.ts): any file
 * yields its good episodes in order and stops at the first bad line with a BAD_DATA EpoError naming `file:line`,
 * never another crash; episodes written one per line read back unchanged, whatever text they hold.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Episode } from '../../src/core/episode.js';
import { EpoError } from '../../src/core/errors.js';
import { episodeShapeProblem } from '../../src/store/episode-shape.js';
import { readEpisodes } from '../../src/store/jsonl.js';
import { makeEpisode } from '../helpers/episodes.js';
import { anyJson, messyText, RUNS } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'epo-props-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const FILE_RUNS = { ...RUNS, numRuns: 100 };

/** Any text a file may hold in a string: every code unit, line separators and lone surrogates included. */
const text = fc.oneof(messyText, fc.string({ unit: 'binary', maxLength: 20 }));

/** An episode whose free text is arbitrary, as JSON.parse returns it. */
const episode = fc.record({ i: fc.nat(1000), task: text, output: text, observation: text, reward: fc.double({ noNaN: true, noDefaultInfinity: true }) })
  .map(({ i, task, output, observation, reward }) => {
    const e = makeEpisode(i, { task: { text: task }, outcome: { reward, success: reward > 0, reason: observation } });
    e.turns[0].actor!.output = output;
    e.turns[1].observation = observation;
    return JSON.parse(JSON.stringify(e)) as Episode;
  });

type Line = { kind: 'episode'; episode: Episode } | { kind: 'blank'; text: string } | { kind: 'other'; text: string };
const line: fc.Arbitrary<Line> = fc.oneof(
  { weight: 4, arbitrary: episode.map((e): Line => ({ kind: 'episode', episode: e })) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '  \t ').map((t): Line => ({ kind: 'blank', text: t })) },
  { weight: 1, arbitrary: fc.oneof(messyText, anyJson.map((v) => JSON.stringify(v))).filter((t) => t.trim() !== '' && !/[\n\r]/.test(t)).map((t): Line => ({ kind: 'other', text: t })) },
);
const render = (l: Line) => (l.kind === 'episode' ? JSON.stringify(l.episode) : l.text);

/** Read a whole file; the episodes read before any error, and the error. */
async function readAll(path: string): Promise<{ read: { episode: Episode; where: string }[]; error?: unknown }> {
  const read: { episode: Episode; where: string }[] = [];
  try {
    for await (const e of readEpisodes(path)) read.push(e);
    return { read };
  } catch (error) {
    return { read, error };
  }
}

function writeLines(lines: string[], eol: string, finalEol: boolean): string {
  const path = join(dir, `f${files++}.jsonl`);
  writeFileSync(path, lines.join(eol) + (finalEol ? eol : ''));
  return path;
}

describe('JSON Lines episode import', () => {
  it('the shape check never throws and names a field or the whole record', () => {
    fc.assert(fc.property(fc.oneof(anyJson, episode.chain((e) => fc.tuple(fc.constantFrom<string>(...Object.keys(e)), anyJson).map(([k, v]) => ({ ...e, [k]: v })))), (v) => {
      const p = episodeShapeProblem(v);
      if (p) expect(p.message.length).toBeGreaterThan(0);
    }), RUNS);
  });

  it('episodes written one per line (LF or CRLF, blank lines between) read back unchanged, with their line numbers', async () => {
    const file = fc.record({ lines: fc.array(fc.oneof({ weight: 4, arbitrary: episode.map((e): Line => ({ kind: 'episode', episode: e })) }, { weight: 1, arbitrary: fc.constant<Line>({ kind: 'blank', text: '' }) }), { maxLength: 6 }), eol: fc.constantFrom('\n', '\r\n'), finalEol: fc.boolean() });
    await fc.assert(fc.asyncProperty(file, async (f) => {
      const path = writeLines(f.lines.map(render), f.eol, f.finalEol);
      const { read, error } = await readAll(path);
      expect(error).toBeUndefined();
      const expected = f.lines.flatMap((l, k) => (l.kind === 'episode' ? [{ episode: l.episode, where: `${path}:${k + 1}` }] : []));
      expect(read).toEqual(expected);
    }), FILE_RUNS);
  });

  it('any file yields its episodes up to the first bad line, then a BAD_DATA error at that file:line', async () => {
    const file = fc.record({ lines: fc.array(line, { maxLength: 6 }), eol: fc.constantFrom('\n', '\r\n'), finalEol: fc.boolean() });
    await fc.assert(fc.asyncProperty(file, async (f) => {
      const path = writeLines(f.lines.map(render), f.eol, f.finalEol);
      const { read, error } = await readAll(path);
      const bad = f.lines.findIndex((l) => l.kind === 'other' && episodeShapeProblemOf(l.text) !== undefined);
      const good = (bad < 0 ? f.lines : f.lines.slice(0, bad)).flatMap((l, k) =>
        (l.kind === 'blank' ? [] : [{ episode: JSON.parse(render(l)) as Episode, where: `${path}:${k + 1}` }]));
      expect(read).toEqual(good);
      if (bad < 0) {
        expect(error).toBeUndefined();
      } else {
        expect(error).toBeInstanceOf(EpoError);
        expect(error).toMatchObject({ code: 'BAD_DATA', where: `${path}:${bad + 1}` });
      }
    }), FILE_RUNS);
  });
});

describe('JSON Lines episode import of any bytes', () => {
  it('gives episodes or an EpoError, whatever the bytes (invalid UTF-8 included)', async () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), episode.map((e) => JSON.stringify(e))), { maxLength: 4 }).map((a) => Buffer.from(a.join('\n'))));
    await fc.assert(fc.asyncProperty(bytes, async (content) => {
      const path = join(dir, `f${files++}.jsonl`);
      writeFileSync(path, content);
      const { error } = await readAll(path);
      if (error !== undefined) expect(error).toBeInstanceOf(EpoError);
    }), FILE_RUNS);
  });
});

/** Why a line is not an episode (not JSON, or the wrong shape), or undefined when it is one. */
function episodeShapeProblemOf(line: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  return episodeShapeProblem(v)?.message;
}
