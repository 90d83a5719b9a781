import { endianness } from 'node:os';
import type { BarSeries } from '../domain/bar-series.js';

/**
 * Typed arrays <-> bytes for the columnar bar store. A chunk of n bars is ONE blob laid out exactly like
 * the arrays of a BarSeries placed end to end:
 *
 *   dates    Int32 LE x n, zero-padded to a multiple of 8 bytes
 *   open, high, low, close, adjClose, volume   Float64 LE x n each
 *
 * One blob per chunk (rather than one per field) matters for loading the whole market: it is one SQLite
 * overflow-chain walk and one Buffer per ticker-year instead of seven, about 3x less CPU and garbage.
 * Values are copied as bytes, never parsed, so NaN and full float precision (10.732857000000001) survive.
 */

/** Year bounds that take in every stored year row: a year range of "all of them". */
export const MIN_YEAR = -100_000;
export const MAX_YEAR = 100_000;
/** Day bounds (the Int32 range of a stored date) that take in every stored day. */
export const MIN_DAY = -(2 ** 31);
export const MAX_DAY = 2 ** 31 - 1;

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const FLOAT_FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;

/** Byte size of the dates section (padded so every Float64 section starts 8-byte aligned). */
export function datesSectionBytes(n: number): number {
  return (n * 4 + 7) & ~7;
}

/** Byte size of a chunk of n bars. */
export function barChunkBytes(n: number): number {
  return datesSectionBytes(n) + n * 8 * FLOAT_FIELDS.length;
}

/** Bytes of a typed array; on little-endian hosts (every platform Node ships for) a view, not a copy. */
export function typedArrayToBuffer(a: Int32Array | Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const out = Buffer.allocUnsafe(a.byteLength);
  if (a instanceof Int32Array) for (let i = 0; i < a.length; i++) out.writeInt32LE(a[i], i * 4);
  else for (let i = 0; i < a.length; i++) out.writeDoubleLE(a[i], i * 8);
  return out;
}

/** n Int32 values at `offset` of little-endian bytes: a view when aligned, else a copy. */
export function bytesToInt32(bytes: Uint8Array, offset: number, n: number): Int32Array {
  checkRange(bytes, offset, n * 4);
  const at = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN_HOST && at % 4 === 0) return new Int32Array(bytes.buffer, at, n);
  const out = new Int32Array(n);
  const view = new DataView(bytes.buffer, at, n * 4);
  for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** n Float64 values at `offset` of little-endian bytes: a view when aligned, else a copy. */
export function bytesToFloat64(bytes: Uint8Array, offset: number, n: number): Float64Array {
  checkRange(bytes, offset, n * 8);
  const at = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN_HOST && at % 8 === 0) return new Float64Array(bytes.buffer, at, n);
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, at, n * 8);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** Int32 values of a whole little-endian blob (n defaults to all of it): a view when aligned, else a copy. */
export function bufferToInt32(bytes: Uint8Array, n = bytes.byteLength >>> 2): Int32Array {
  return bytesToInt32(bytes, 0, n);
}

/** Float64 values of a whole little-endian blob (n defaults to all of it): a view when aligned, else a copy. */
export function bufferToFloat64(bytes: Uint8Array, n = bytes.byteLength >>> 3): Float64Array {
  return bytesToFloat64(bytes, 0, n);
}

function checkRange(bytes: Uint8Array, offset: number, length: number): void {
  if (offset + length > bytes.byteLength) {
    throw new RangeError(`bar blob holds ${bytes.byteLength} bytes, expected at least ${offset + length}`);
  }
}

/** A series (or a slice of one) as one chunk blob. */
export function encodeBarChunk(s: BarSeries): Buffer {
  const n = s.dates.length;
  const out = Buffer.allocUnsafeSlow(barChunkBytes(n));
  const dates = datesSectionBytes(n);
  out.set(typedArrayToBuffer(s.dates), 0);
  // Padding is zeroed so the same bars always encode to the same bytes.
  out.fill(0, n * 4, dates);
  FLOAT_FIELDS.forEach((f, k) => {
    out.set(typedArrayToBuffer(s[f]), dates + k * n * 8);
  });
  return out;
}

/** One chunk as a series of views over its blob (copies only when the blob is misaligned). */
export function decodeBarChunk(symbol: string, n: number, bytes: Uint8Array): BarSeries {
  if (bytes.byteLength !== barChunkBytes(n)) {
    throw new RangeError(
      `bar chunk of ${symbol} holds ${bytes.byteLength} bytes, expected ${barChunkBytes(n)} for ${n} bars`,
    );
  }
  const dates = datesSectionBytes(n);
  const [open, high, low, close, adjClose, volume] = FLOAT_FIELDS.map((_, k) =>
    bytesToFloat64(bytes, dates + k * n * 8, n),
  );
  return { symbol, dates: bytesToInt32(bytes, 0, n), open, high, low, close, adjClose, volume };
}

/**
 * Consecutive chunks (ascending dates) as one series. A single chunk is returned as views over its blob;
 * several are copied section by section into ONE new allocation with the same layout.
 */
export function decodeBarChunks(symbol: string, chunks: readonly { n: number; bytes: Uint8Array }[]): BarSeries {
  if (chunks.length === 1) return decodeBarChunk(symbol, chunks[0].n, chunks[0].bytes);
  let n = 0;
  for (const c of chunks) {
    if (c.bytes.byteLength !== barChunkBytes(c.n)) {
      throw new RangeError(`bar chunk of ${symbol} holds ${c.bytes.byteLength} bytes, expected ${barChunkBytes(c.n)}`);
    }
    n += c.n;
  }
  // Every byte but the padding is overwritten, so skip the zero-fill (1.3 GB for a whole market).
  const out = Buffer.allocUnsafeSlow(barChunkBytes(n));
  const outDates = datesSectionBytes(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c.bytes.subarray(0, c.n * 4), at * 4);
    const inDates = datesSectionBytes(c.n);
    for (let k = 0; k < FLOAT_FIELDS.length; k++) {
      const from = inDates + k * c.n * 8;
      out.set(c.bytes.subarray(from, from + c.n * 8), outDates + k * n * 8 + at * 8);
    }
    at += c.n;
  }
  return decodeBarChunk(symbol, n, out);
}

/**
 * SQL for the dates and close sections of a chunk blob, so a reader of closes alone fetches a sixth of the
 * bytes: `substr` over the blob column `data` with `n` bars, in the layout encodeBarChunk writes.
 */
export function closeSectionsSql(data: string, n: string): string {
  const closeAt = `((${n} * 4 + 7) / 8) * 8 + ${FLOAT_FIELDS.indexOf('close')} * ${n} * 8`;
  return `substr(${data}, 1, ${n} * 4), substr(${data}, 1 + ${closeAt}, ${n} * 8)`;
}

/** The dates and closes of consecutive chunks (as closeSectionsSql selects them) joined into two new arrays. */
export function decodeCloses(
  symbol: string,
  chunks: readonly { n: number; dates: Uint8Array; close: Uint8Array }[],
): { dates: Int32Array; close: Float64Array } {
  let n = 0;
  for (const c of chunks) {
    if (c.dates.byteLength !== c.n * 4 || c.close.byteLength !== c.n * 8) {
      throw new RangeError(`bar chunk of ${symbol} is shorter than its ${c.n} bars`);
    }
    n += c.n;
  }
  const dates = new Int32Array(n);
  const close = new Float64Array(n);
  let k = 0;
  for (const c of chunks) {
    dates.set(bytesToInt32(c.dates, 0, c.n), k);
    close.set(bytesToFloat64(c.close, 0, c.n), k);
    k += c.n;
  }
  return { dates, close };
}
