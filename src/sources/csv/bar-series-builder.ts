import { type BarSeries, lowerBound } from '../../domain/bar-series.js';
import type { CsvRowValues } from './csv-row-validator.js';

/**
 * Collects one ticker's bars into growable typed arrays (no object per row) and knows which dates it
 * already holds, so a repeated date can be refused while the first one is kept.
 */
export class BarSeriesBuilder {
  private n = 0;
  private cap: number;
  private dates: Int32Array;
  private cols: Float64Array[];
  /** Dates held, built only once a row arrives out of order; while rows ascend, the last date suffices. */
  private seen: Set<number> | null = null;
  private ascending = true;

  constructor(
    readonly symbol: string,
    /** Dates stored for this symbol earlier in the same file (sorted), which also count as taken. */
    private readonly earlierDates: Int32Array | null = null,
    initialCapacity = 1024,
  ) {
    this.cap = initialCapacity;
    this.dates = new Int32Array(initialCapacity);
    this.cols = Array.from({ length: 6 }, () => new Float64Array(initialCapacity));
  }

  get length(): number {
    return this.n;
  }

  has(date: number): boolean {
    if (this.earlierDates !== null) {
      const i = lowerBound(this.earlierDates, date);
      if (i < this.earlierDates.length && this.earlierDates[i] === date) return true;
    }
    if (this.n === 0) return false;
    if (this.ascending && date > this.dates[this.n - 1]) return false;
    if (this.seen === null) this.seen = new Set(this.dates.subarray(0, this.n));
    return this.seen.has(date);
  }

  push(v: CsvRowValues): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    if (i > 0 && v.date < this.dates[i - 1]) this.ascending = false;
    this.dates[i] = v.date;
    this.cols[0][i] = v.open;
    this.cols[1][i] = v.high;
    this.cols[2][i] = v.low;
    this.cols[3][i] = v.close;
    this.cols[4][i] = v.adjClose;
    this.cols[5][i] = v.volume;
    this.seen?.add(v.date);
  }

  /** The bars as a series sorted by date (files are normally ascending; a shuffled file is sorted here). */
  build(): BarSeries {
    const n = this.n;
    const order = this.ascending
      ? null
      : Array.from({ length: n }, (_, i) => i).sort((a, b) => this.dates[a] - this.dates[b]);
    const pick = <T extends Int32Array | Float64Array>(src: T, make: (len: number) => T): T => {
      if (!order) return src.slice(0, n) as T;
      const out = make(n);
      for (let k = 0; k < n; k++) out[k] = src[order[k]];
      return out;
    };
    const f64 = (len: number) => new Float64Array(len);
    return {
      symbol: this.symbol,
      dates: pick(this.dates, (len) => new Int32Array(len)),
      open: pick(this.cols[0], f64),
      high: pick(this.cols[1], f64),
      low: pick(this.cols[2], f64),
      close: pick(this.cols[3], f64),
      adjClose: pick(this.cols[4], f64),
      volume: pick(this.cols[5], f64),
    };
  }

  private grow(): void {
    this.cap *= 2;
    const d = new Int32Array(this.cap);
    d.set(this.dates);
    this.dates = d;
    this.cols = this.cols.map((col) => {
      const next = new Float64Array(this.cap);
      next.set(col);
      return next;
    });
  }
}
