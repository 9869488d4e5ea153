/**
 * The safetensors file format: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * { dtype, shape, data_offsets }, then the raw little-endian data. We write F32 and read F32, F16 and BF16.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { EpoError } from '../core/errors.js';

export interface NamedTensor { shape: number[]; data: Float32Array }
export type TensorMap = Map<string, NamedTensor>;

export function encodeSafetensors(tensors: TensorMap, metadata: Record<string, string> = { format: 'pt' }): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new EpoError('INTERNAL', `tensor ${name} has shape [${t.shape}] but ${t.data.length} values`, { where: 'safetensors' });
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, pos);
    pos += d.byteLength;
  }
  return out;
}

/** Write atomically (temporary file, then rename), so a crash never leaves a half-written checkpoint. */
export function writeSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  writeFileSync(`${path}.tmp`, encodeSafetensors(tensors, metadata));
  renameSync(`${path}.tmp`, path);
}

export interface SafetensorsHeader { [name: string]: { dtype: string; shape: number[]; data_offsets: [number, number] } }

export function parseHeader(buf: Buffer, where: string): { header: SafetensorsHeader; metadata: Record<string, string>; dataStart: number } {
  if (buf.length < 8) throw new EpoError('BAD_DATA', 'file is too short to be safetensors', { where });
  const len = Number(buf.readBigUInt64LE(0));
  if (len > buf.length - 8) throw new EpoError('BAD_DATA', `header length ${len} exceeds the file size`, { where });
  let raw: any;
  try { raw = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')); } catch (e) {
    throw new EpoError('BAD_DATA', `header is not valid JSON: ${(e as Error).message}`, { where });
  }
  const { __metadata__: metadata = {}, ...header } = raw;
  return { header, metadata, dataStart: 8 + len };
}

function toFloat32(bytes: Buffer, dtype: string, where: string): Float32Array {
  const copy = Uint8Array.prototype.slice.call(bytes); // aligned private copy
  if (dtype === 'F32') return new Float32Array(copy.buffer);
  const u16 = new Uint16Array(copy.buffer);
  const out = new Float32Array(u16.length);
  const u32 = new Uint32Array(out.buffer);
  if (dtype === 'BF16') {
    for (let i = 0; i < u16.length; i++) u32[i] = u16[i] << 16;
    return out;
  }
  if (dtype === 'F16') {
    for (let i = 0; i < u16.length; i++) {
      const h = u16[i], s = (h & 0x8000) ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
      out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
    return out;
  }
  throw new EpoError('BAD_DATA', `unsupported dtype ${dtype} (F32, F16 and BF16 are read)`, { where });
}

export function decodeSafetensors(buf: Buffer, where = 'safetensors'): { tensors: TensorMap; metadata: Record<string, string> } {
  const { header, metadata, dataStart } = parseHeader(buf, where);
  const tensors: TensorMap = new Map();
  for (const [name, info] of Object.entries(header)) {
    const [a, b] = info.data_offsets;
    if (!(a >= 0 && b >= a && dataStart + b <= buf.length)) throw new EpoError('BAD_DATA', `tensor ${name} has offsets [${a}, ${b}] outside the file`, { where });
    const data = toFloat32(buf.subarray(dataStart + a, dataStart + b), info.dtype, `${where}:${name}`);
    const n = info.shape.reduce((x, y) => x * y, 1);
    if (n !== data.length) throw new EpoError('BAD_DATA', `tensor ${name} has shape [${info.shape}] but ${data.length} values`, { where });
    tensors.set(name, { shape: info.shape, data });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  let buf: Buffer;
  try { buf = readFileSync(path); } catch (e) {
    throw new EpoError('NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`, { where: path });
  }
  return decodeSafetensors(buf, path);
}
