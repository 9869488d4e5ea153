/**
 * The few protocol buffer encodings TensorBoard's event files need, by hand: varints, 64-bit and 32-bit fixed
 * fields, and length-delimited fields (strings and nested messages). Fields are written in the order given.
 */
const enc = new TextEncoder();

export type Field =
  | { no: number; varint: number | bigint }
  | { no: number; double: number }
  | { no: number; float: number }
  | { no: number; bytes: Uint8Array | string };

function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v); // negative int64 values are written as ten-byte two's complement, as protobuf does
  do {
    const byte = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x ? byte | 0x80 : byte);
  } while (x);
  return out;
}

/** One message from its fields. */
export function message(fields: readonly Field[]): Uint8Array {
  const parts: number[] = [];
  for (const f of fields) {
    if ('varint' in f) parts.push(...varint(BigInt(f.no << 3)), ...varint(BigInt(f.varint)));
    else if ('double' in f) {
      const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, f.double, true);
      parts.push(...varint(BigInt((f.no << 3) | 1)), ...b);
    } else if ('float' in f) {
      const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, f.float, true);
      parts.push(...varint(BigInt((f.no << 3) | 5)), ...b);
    } else {
      const b = typeof f.bytes === 'string' ? enc.encode(f.bytes) : f.bytes;
      parts.push(...varint(BigInt((f.no << 3) | 2)), ...varint(BigInt(b.length)));
      for (const x of b) parts.push(x);
    }
  }
  return Uint8Array.from(parts);
}
