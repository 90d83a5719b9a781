import { type BarSeries, lowerBound } from '../domain/bar-series.js';
import { addBreadthContribution, type BreadthCounts, C, COUNT_FIELDS } from './breadth-counts.js';
import { FrameBuffers } from './indicator-frame.js';
import { computeKernelFrame } from './ticker-analyzer.js';

/** Largest integer a float64 holds exactly: sums of integers below it do not depend on their order. */
const EXACT_LIMIT = 2 ** 53;

/**
 * Takes tickers' old contributions back out of a universe's breadth counters: a ticker whose history was
 * rewritten (split, correction), one that left the universe, one that moved to another sector. The
 * contribution is recomputed from the bars that were counted, by the same kernels and the same counting
 * code a full run uses, so subtracting it leaves exactly the counters of the other tickers.
 */
export class BreadthRetraction {
  private readonly buffers = new FrameBuffers();

  /** Adds the contribution of `series`' bars dated on or before `lastDate` to `removed`'s `bucket`. */
  collect(series: BarSeries, lastDate: number, removed: BreadthCounts, bucket: number): void {
    const n = series.dates.length;
    const upTo = lowerBound(series.dates, lastDate + 1);
    if (upTo === 0) return;
    const f = this.buffers.frame(n);
    f.dates = series.dates;
    f.close = series.close;
    f.volume = series.volume;
    computeKernelFrame(series, f);
    addBreadthContribution(f, 0, upTo, removed.data[bucket], removed.baseDay);
  }
}

/**
 * Why subtracting these bars' volumes might not give back a full run's sums bit for bit, or null: a volume
 * that is not a whole number of shares (their sums depend on the order they were added in).
 */
export function inexactVolumes(series: BarSeries, lastDate: number): string | null {
  const upTo = lowerBound(series.dates, lastDate + 1);
  const { volume } = series;
  for (let i = 0; i < upTo; i++) {
    const v = volume[i];
    if (!Number.isNaN(v) && (!Number.isInteger(v) || Math.abs(v) >= EXACT_LIMIT)) {
      return `${series.symbol} has a volume of ${v} on day ${series.dates[i]}, not a whole number of shares`;
    }
  }
  return null;
}

/** As inexactVolumes, for the stored counters' volume sums. */
export function inexactCounterVolumes(counts: BreadthCounts): string | null {
  for (const d of counts.data) {
    for (let o = 0; o < d.length; o += COUNT_FIELDS) {
      const up = d[o + C.upVolume];
      const down = d[o + C.downVolume];
      if (
        !Number.isInteger(up) ||
        !Number.isInteger(down) ||
        Math.abs(up) >= EXACT_LIMIT ||
        Math.abs(down) >= EXACT_LIMIT
      ) {
        return `the stored breadth counters hold volume sums of ${up} and ${down}, not whole numbers of shares`;
      }
    }
  }
  return null;
}
