/** TensorBoard event files read back by the independent reader of tb-reader.ts: framing, both CRCs, the protobuf fields. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/track/crc32c.js';
import { tensorboardTracker, tfRecord } from '../../src/track/tensorboard.js';
import { readEvents, readRecords } from './tb-reader.js';

const eventFile = (dir: string) => {
  const files = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return join(dir, files[0]);
};

describe('tensorboard tracker', () => {
  it('computes CRC-32C as the standard check value says', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  });

  it('writes an event file that an independent reader decodes: file version, scalars with steps, a table as text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-tb-'));
    let t = 1_700_000_000_000;
    const tb = tensorboardTracker(dir, () => (t += 500));
    tb.scalar('train/loss', 0.25, 1);
    tb.scalar('train/lr', 3e-4, 2);
    tb.scalar('eval/success', 0.5, 2 ** 33); // a step past 32 bits
    tb.table('eval/samples', [{ id: 'a#0', success: true, strategy: 'go | look\nthen take' }], 3);
    await tb.close();
    const path = eventFile(dir);
    expect(path.endsWith(`.${hostname()}`)).toBe(true);
    expect(path).toMatch(/events\.out\.tfevents\.1700000000\./);
    const events = readEvents(readFileSync(path));
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', step: 0, values: [] });
    expect(events.map((e) => e.wallTime)).toEqual([1_700_000_001, 1_700_000_001.5, 1_700_000_002, 1_700_000_002.5, 1_700_000_003]);
    expect(events.slice(1, 4).map((e) => [e.step, e.values[0].tag, e.values[0].simple])).toEqual([
      [1, 'train/loss', 0.25], [2, 'train/lr', Math.fround(3e-4)], [2 ** 33, 'eval/success', 0.5],
    ]);
    const table = events[4].values[0];
    expect(table).toMatchObject({ tag: 'eval/samples', plugin: 'text', dtype: 7 });
    expect(table.text).toBe('| id | success | strategy |\n|---|---|---|\n| a#0 | true | go \\| look then take |');
  });

  it('the reader refuses a file with a wrong data CRC or a wrong length CRC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epo-tb-'));
    const rec = tfRecord(new TextEncoder().encode('hello'));
    expect(readRecords(rec).map((r) => new TextDecoder().decode(r))).toEqual(['hello']);
    const badData = rec.slice(); badData[badData.length - 1] ^= 1;
    expect(() => readRecords(badData)).toThrow(/bad data CRC/);
    const badLen = rec.slice(); badLen[8] ^= 1;
    expect(() => readRecords(badLen)).toThrow(/bad length CRC/);
    const flipped = rec.slice(); flipped[13] ^= 0x20; // the data changed, its CRC not
    writeFileSync(join(dir, 'x'), flipped);
    expect(() => readRecords(readFileSync(join(dir, 'x')))).toThrow(/bad data CRC/);
  });
});
