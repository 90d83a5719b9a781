import { deserialize, serialize } from 'node:v8';
import { deflateSync, inflateSync } from 'node:zlib';
import type { ChunkOutput } from '../../analysis/analysis-chunk-runner.js';
import type { ChunkResult, CountsLayout, WireJob } from '../../analysis/analysis-share.js';
import { BreadthCounts, COUNT_FIELDS } from '../../analysis/breadth-counts.js';

/**
 * The bytes an analysis chunk travels as through Redis, both ways: V8's structured serialisation (typed
 * arrays, states and screener rows as they are, every double to the bit), deflated at the fastest level.
 * Counters of a calendar day no ticker traded on are zeros, and so are the sectors a chunk has no ticker in
 * (those are left out), so they shrink several times over.
 */
const VERSION = 1;

export interface ChunkInput {
  layout: CountsLayout;
  jobs: WireJob[];
}

export function encodeChunkInput(layout: CountsLayout, jobs: readonly WireJob[]): Buffer {
  // A decoded state stays in the planning process: the chunk's runner decodes the bytes itself.
  const wire = jobs.map(({ decoded: _decoded, ...job }) => job);
  return pack({ v: VERSION, layout, jobs: wire });
}

export function decodeChunkInput(bytes: Buffer): ChunkInput {
  const value = unpack(bytes, 'input') as Partial<ChunkInput>;
  const layout = value.layout;
  if (
    !layout ||
    !Number.isInteger(layout.baseDay) ||
    !Number.isInteger(layout.days) ||
    layout.days < 1 ||
    !Array.isArray(layout.buckets) ||
    !layout.buckets.every((b) => typeof b === 'string')
  ) {
    throw new Error('analysis chunk input has no valid counts layout (baseDay, days >= 1, buckets as strings)');
  }
  if (!Array.isArray(value.jobs) || !value.jobs.every((j) => j && typeof j.symbol === 'string')) {
    throw new Error('analysis chunk input has no list of tickers to analyse');
  }
  return { layout, jobs: value.jobs };
}

/**
 * Only the sectors and the span of days the chunk counted anything in travel: an incremental chunk of
 * resumed tickers counts a few new days of a span of decades.
 */
export function encodeChunkOutput(out: ChunkOutput): Buffer {
  const { counts } = out;
  const kept: number[] = [];
  let first = counts.days;
  let last = -1;
  counts.data.forEach((d, b) => {
    const lo = d.findIndex((x) => x !== 0);
    if (lo < 0) return;
    kept.push(b);
    first = Math.min(first, Math.floor(lo / COUNT_FIELDS));
    last = Math.max(last, Math.floor(d.findLastIndex((x) => x !== 0) / COUNT_FIELDS));
  });
  if (last < 0) first = last = 0;
  return pack({
    v: VERSION,
    result: out.result,
    counts: {
      baseDay: counts.baseDay + first,
      days: last - first + 1,
      buckets: kept.map((b) => counts.buckets[b]),
      data: kept.map((b) => counts.data[b].slice(first * COUNT_FIELDS, (last + 1) * COUNT_FIELDS)),
    },
  });
}

/** A chunk's output; its counters must lie within the pass's days and sectors (BreadthCounts checks their size). */
export function decodeChunkOutput(bytes: Buffer, layout: CountsLayout): ChunkOutput {
  const value = unpack(bytes, 'output') as {
    result?: ChunkResult;
    counts?: { baseDay: number; days: number; buckets: string[]; data: Float64Array[] };
  };
  const { result, counts } = value;
  if (!result || !Array.isArray(result.results) || !(result.signalDates instanceof Int32Array)) {
    throw new Error('analysis chunk output has no results');
  }
  if (
    !counts ||
    !Number.isInteger(counts.baseDay) ||
    !Number.isInteger(counts.days) ||
    counts.baseDay < layout.baseDay ||
    counts.baseDay + counts.days > layout.baseDay + layout.days
  ) {
    throw new Error(
      `analysis chunk output counts days ${counts?.baseDay}+${counts?.days}, expected within the pass's ${layout.baseDay}+${layout.days}`,
    );
  }
  if (
    !counts.buckets.every((b) => layout.buckets.includes(b)) ||
    !counts.data.every((d) => d instanceof Float64Array)
  ) {
    throw new Error(`analysis chunk output counts sectors outside the pass's: ${counts.buckets.join(', ')}`);
  }
  return { result, counts: new BreadthCounts(counts.baseDay, counts.days, counts.buckets, counts.data) };
}

function pack(value: object): Buffer {
  return deflateSync(serialize(value), { level: 1 });
}

function unpack(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = deserialize(inflateSync(bytes));
  } catch (error) {
    throw new Error(`analysis chunk ${what} could not be read: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || (value as { v?: unknown }).v !== VERSION) {
    throw new Error(`analysis chunk ${what} is not of version ${VERSION} (a worker of another release wrote it)`);
  }
  return value as Record<string, unknown>;
}
