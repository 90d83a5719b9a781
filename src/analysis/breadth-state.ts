import { bytesToFloat64 } from '../store/bar-codec.js';
import { BreadthCounts, COUNT_FIELDS } from './breadth-counts.js';

/** What a universe's breadth counters hold of one ticker. */
export interface CountedTicker {
  /** Its bars up to and including this date are in the counters. */
  lastDate: number;
  /** The bucket (sector, '' for none) it was counted in. */
  bucket: string;
  /** Its TickerState epoch when counted: a different epoch now means its history was rewritten since. */
  epoch: number;
}

/**
 * A universe's breadth counters between runs: the per-day sums and which ticker is counted up to which
 * date. An incremental run adds the new bars of each ticker to them; anything it cannot add (a ticker
 * removed, moved to another sector or with a rewritten history) makes the run recount from scratch.
 */
export interface BreadthState {
  counts: BreadthCounts;
  tickers: Map<string, CountedTicker>;
}

const FORMAT = 1;

/** Bytes: uint32 length of a JSON header, the header, padding to 8, then Float64 columns. */
export function encodeBreadthState(state: BreadthState): Uint8Array {
  const { counts } = state;
  const symbols = [...state.tickers.keys()].sort();
  const header = JSON.stringify({
    format: FORMAT,
    fields: COUNT_FIELDS,
    baseDay: counts.baseDay,
    days: counts.days,
    buckets: counts.buckets,
    symbols,
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const start = Math.ceil((4 + headerBytes.length) / 8) * 8;
  const tickerValues = symbols.length * 3;
  const total = start + (tickerValues + counts.buckets.length * counts.days * COUNT_FIELDS) * 8;
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, headerBytes.length, true);
  bytes.set(headerBytes, 4);
  const values = new Float64Array(bytes.buffer, start);
  const bucketIndex = new Map(counts.buckets.map((b, i) => [b, i]));
  symbols.forEach((symbol, i) => {
    const t = state.tickers.get(symbol)!;
    values[i * 3] = t.lastDate;
    values[i * 3 + 1] = bucketIndex.get(t.bucket) ?? -1;
    values[i * 3 + 2] = t.epoch;
  });
  counts.data.forEach((d, b) => {
    values.set(d, tickerValues + b * counts.days * COUNT_FIELDS);
  });
  return bytes;
}

/** Null for missing bytes or another format (which simply makes the next run a full one). */
export function decodeBreadthState(bytes: Uint8Array | null): BreadthState | null {
  if (!bytes || bytes.byteLength < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  let header: { format: number; fields: number; baseDay: number; days: number; buckets: string[]; symbols: string[] };
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, length).toString('utf8'));
  } catch {
    return null;
  }
  if (header.format !== FORMAT || header.fields !== COUNT_FIELDS) return null;
  const start = Math.ceil((4 + length) / 8) * 8;
  const count = (bytes.byteLength - start) / 8;
  const tickerValues = header.symbols.length * 3;
  const perBucket = header.days * COUNT_FIELDS;
  if (count !== tickerValues + header.buckets.length * perBucket) return null;
  const values = bytesToFloat64(bytes, start, count);
  const tickers = new Map<string, CountedTicker>();
  header.symbols.forEach((symbol, i) => {
    tickers.set(symbol, {
      lastDate: values[i * 3],
      bucket: header.buckets[values[i * 3 + 1]] ?? '',
      epoch: values[i * 3 + 2],
    });
  });
  // Views, not copies: the counters are only read (added into a run's own counters).
  const data = header.buckets.map((_, b) =>
    values.subarray(tickerValues + b * perBucket, tickerValues + (b + 1) * perBucket),
  );
  return { counts: new BreadthCounts(header.baseDay, header.days, header.buckets, data), tickers };
}
