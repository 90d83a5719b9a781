import type { IndicatorFrame } from './indicator-frame.js';

/**
 * What one ticker adds to a date's market breadth, as counters per calendar day. Every breadth figure is
 * a ratio or a running total of these sums, so tickers can be counted in any order, on any thread, and an
 * incremental run only adds the bars appended since the last one.
 */
export const BREADTH_COUNT_FIELDS = [
  /** Tickers with a bar that day. */
  'present',
  'advancers',
  'decliners',
  'unchanged',
  /** Summed volume of the advancers / decliners. */
  'upVolume',
  'downVolume',
  'aboveSma20',
  /** Tickers whose SMA20 exists that day (a bar and at least 20 bars of history). */
  'withSma20',
  'aboveSma50',
  'withSma50',
  'aboveSma200',
  'withSma200',
  'newHighs',
  'newLows',
  'withRsi',
  'rsiAbove70',
  'rsiBelow30',
] as const;

export type BreadthCountField = (typeof BREADTH_COUNT_FIELDS)[number];

/** Counters per day, day-major: day d's field f is at d * COUNT_FIELDS + f. */
export const COUNT_FIELDS = BREADTH_COUNT_FIELDS.length;
export const C = Object.fromEntries(BREADTH_COUNT_FIELDS.map((f, i) => [f, i])) as Readonly<
  Record<BreadthCountField, number>
>;

// Offsets as plain constants for the hot loop (same values as C).
const PRESENT = 0;
const ADVANCERS = 1;
const DECLINERS = 2;
const UNCHANGED = 3;
const UP_VOLUME = 4;
const DOWN_VOLUME = 5;
const ABOVE_SMA20 = 6;
const WITH_SMA20 = 7;
const ABOVE_SMA50 = 8;
const WITH_SMA50 = 9;
const ABOVE_SMA200 = 10;
const WITH_SMA200 = 11;
const NEW_HIGHS = 12;
const NEW_LOWS = 13;
const WITH_RSI = 14;
const RSI_ABOVE_70 = 15;
const RSI_BELOW_30 = 16;

/**
 * Adds bars [from, to) of a frame to `counts`, indexed by calendar day from `baseDay`.
 * A/D/U compare each close with the same ticker's previous bar (whatever date it had); a new 52-week high
 * beats the highest high of the previous 251 bars. Volumes are summed as given, so integer share counts
 * add up exactly in any order.
 */
export function addBreadthContribution(
  f: IndicatorFrame,
  from: number,
  to: number,
  counts: Float64Array,
  baseDay: number,
): void {
  const { dates, close, high, low, volume, sma20, sma50, sma200, rsi14, high251, low251 } = f;
  const W = COUNT_FIELDS;
  for (let t = from; t < to; t++) {
    const o = (dates[t] - baseDay) * W;
    counts[o + PRESENT] += 1;
    const c = close[t];
    if (t > 0) {
      const pc = close[t - 1];
      const v = volume[t];
      const vol = !Number.isNaN(v) ? v : 0;
      if (c > pc) {
        counts[o + ADVANCERS] += 1;
        counts[o + UP_VOLUME] += vol;
      } else if (c < pc) {
        counts[o + DECLINERS] += 1;
        counts[o + DOWN_VOLUME] += vol;
      } else if (c === pc) {
        counts[o + UNCHANGED] += 1;
      }
      if (high[t] > high251[t - 1]) counts[o + NEW_HIGHS] += 1;
      if (low[t] < low251[t - 1]) counts[o + NEW_LOWS] += 1;
    }
    const s20 = sma20[t];
    if (!Number.isNaN(s20)) {
      counts[o + WITH_SMA20] += 1;
      if (c > s20) counts[o + ABOVE_SMA20] += 1;
    }
    const s50 = sma50[t];
    if (!Number.isNaN(s50)) {
      counts[o + WITH_SMA50] += 1;
      if (c > s50) counts[o + ABOVE_SMA50] += 1;
    }
    const s200 = sma200[t];
    if (!Number.isNaN(s200)) {
      counts[o + WITH_SMA200] += 1;
      if (c > s200) counts[o + ABOVE_SMA200] += 1;
    }
    const r = rsi14[t];
    if (!Number.isNaN(r)) {
      counts[o + WITH_RSI] += 1;
      if (r > 70) counts[o + RSI_ABOVE_70] += 1;
      else if (r < 30) counts[o + RSI_BELOW_30] += 1;
    }
  }
}

/**
 * Per-scope counters over a span of calendar days. A scope here is a bucket of tickers (a sector, or ''
 * for tickers without one); the universe's own series is the sum of the buckets.
 */
export class BreadthCounts {
  readonly data: Float64Array[];

  constructor(
    readonly baseDay: number,
    readonly days: number,
    readonly buckets: readonly string[],
    data?: Float64Array[],
  ) {
    this.data = data ?? buckets.map(() => new Float64Array(days * COUNT_FIELDS));
    for (const d of this.data) {
      if (d.length !== days * COUNT_FIELDS) {
        throw new RangeError(`breadth counts hold ${d.length} values, expected ${days} days x ${COUNT_FIELDS} fields`);
      }
    }
  }

  bucketIndex(bucket: string): number {
    const i = this.buckets.indexOf(bucket);
    if (i < 0) throw new RangeError(`breadth bucket "${bucket}" is not one of ${this.buckets.join(', ')}`);
    return i;
  }

  /** Adds another set of counters (any day span inside this one, buckets matched by name). */
  add(other: BreadthCounts): void {
    this.addSigned(other, 1);
  }

  /**
   * Takes another set of counters away (same rules as add): a ticker's old contribution leaving the
   * counters. Exact while every value is an integer below 2^53, as counts and share volumes are.
   */
  subtract(other: BreadthCounts): void {
    this.addSigned(other, -1);
  }

  /** Adding the negated counters subtracts them to the same bits (a + -b is a - b in IEEE 754). */
  private addSigned(other: BreadthCounts, sign: 1 | -1): void {
    const shift = other.baseDay - this.baseDay;
    if (shift < 0 || shift + other.days > this.days) {
      throw new RangeError(
        `breadth counts for days ${other.baseDay}+${other.days} do not fit in ${this.baseDay}+${this.days}`,
      );
    }
    other.buckets.forEach((bucket, b) => {
      const src = other.data[b];
      const dst = this.data[this.bucketIndex(bucket)];
      const offset = shift * COUNT_FIELDS;
      for (let i = 0; i < src.length; i++) dst[offset + i] += sign * src[i];
    });
  }

  /** The sum of every bucket: the universe's own counters. */
  total(): Float64Array {
    const out = new Float64Array(this.days * COUNT_FIELDS);
    for (const bucket of this.buckets) {
      const src = this.data[this.bucketIndex(bucket)];
      for (let i = 0; i < out.length; i++) out[i] += src[i];
    }
    return out;
  }
}
