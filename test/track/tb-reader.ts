/**
 * An independent TensorBoard event file reader for tests: TFRecord framing with both CRCs checked (CRC-32C computed
 * bit by bit here, not with the writer's table), and a generic protobuf decoder (field number → values).
 */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
const mask = (crc: number) => (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;

export function readRecords(buf: Uint8Array): Uint8Array[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 12 > buf.length) throw new Error(`truncated header at ${at}`);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== mask(crc32cBitwise(buf.subarray(at, at + 8)))) throw new Error(`bad length CRC at ${at}`);
    const data = buf.subarray(at + 12, at + 12 + len);
    if (data.length !== len || at + 16 + len > buf.length) throw new Error(`truncated record at ${at}`);
    if (view.getUint32(at + 12 + len, true) !== mask(crc32cBitwise(data))) throw new Error(`bad data CRC at ${at}`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}

export type Value = { wire: 0; n: bigint } | { wire: 1; bytes: Uint8Array } | { wire: 2; bytes: Uint8Array } | { wire: 5; bytes: Uint8Array };

export function decode(buf: Uint8Array): Map<number, Value[]> {
  const fields = new Map<number, Value[]>();
  let at = 0;
  const varint = (): bigint => {
    let x = 0n, shift = 0n;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error('truncated varint');
      x |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return x;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >> 3, wire = key & 7;
    let v: Value;
    if (wire === 0) v = { wire, n: varint() };
    else if (wire === 1) { v = { wire, bytes: buf.subarray(at, at + 8) }; at += 8; }
    else if (wire === 5) { v = { wire, bytes: buf.subarray(at, at + 4) }; at += 4; }
    else if (wire === 2) { const len = Number(varint()); v = { wire, bytes: buf.subarray(at, at + len) }; at += len; }
    else throw new Error(`wire type ${wire}`);
    fields.set(no, [...(fields.get(no) ?? []), v]);
  }
  return fields;
}

const bytesOf = (v: Value | undefined): Uint8Array => (v && 'bytes' in v ? v.bytes : new Uint8Array(0));
const text = (v: Value | undefined) => new TextDecoder().decode(bytesOf(v));

export interface ReadEvent { wallTime: number; step: number; fileVersion?: string; values: { tag: string; simple?: number; plugin?: string; text?: string; dtype?: number }[] }

export function readEvents(buf: Uint8Array): ReadEvent[] {
  return readRecords(buf).map((rec) => {
    const ev = decode(rec);
    const wt = bytesOf(ev.get(1)?.[0]);
    const step = ev.get(2)?.[0];
    const summary = ev.get(5)?.[0];
    const values = summary ? (decode(bytesOf(summary)).get(1) ?? []).map((vv) => {
      const f = decode(bytesOf(vv));
      const simple = f.get(2)?.[0];
      const meta = f.get(9)?.[0];
      const tensor = f.get(8)?.[0];
      const t = tensor ? decode(bytesOf(tensor)) : undefined;
      const dtype = t?.get(1)?.[0];
      return {
        tag: text(f.get(1)?.[0]),
        ...(simple ? { simple: new DataView(bytesOf(simple).buffer, bytesOf(simple).byteOffset, 4).getFloat32(0, true) } : {}),
        ...(meta ? { plugin: text(decode(bytesOf(decode(bytesOf(meta)).get(1)?.[0])).get(1)?.[0]) } : {}),
        ...(t ? { text: text(t.get(8)?.[0]), dtype: dtype && dtype.wire === 0 ? Number(dtype.n) : undefined } : {}),
      };
    }) : [];
    return {
      wallTime: new DataView(wt.buffer, wt.byteOffset, 8).getFloat64(0, true),
      step: step && step.wire === 0 ? Number(BigInt.asIntN(64, step.n)) : 0,
      ...(ev.get(3) ? { fileVersion: text(ev.get(3)![0]) } : {}),
      values,
    };
  });
}
