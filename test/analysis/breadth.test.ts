import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreadthCounts, C, COUNT_FIELDS } from '../../src/analysis/breadth-counts.js';
import { breadthSeriesFromCounts } from '../../src/analysis/breadth-series-from-counts.js';
import { decodeBreadthState, encodeBreadthState } from '../../src/analysis/breadth-state.js';
import { SignalBuffer } from '../../src/analysis/detect-signals.js';
import { TickerAnalyzer } from '../../src/analysis/ticker-analyzer.js';
import { type BarSeries, emptyBarSeries } from '../../src/domain/bar-series.js';
import type { BreadthSeries } from '../../src/domain/breadth-series.js';

const D0 = 17_500;

/** A ticker's bars on the given day offsets from D0 (high/low = close). */
function bars(symbol: string, days: number[], closes: number[], volumes: number[]): BarSeries {
  const s = emptyBarSeries(symbol, days.length);
  days.forEach((d, i) => {
    s.dates[i] = D0 + d;
    s.open[i] = s.high[i] = s.low[i] = s.close[i] = s.adjClose[i] = closes[i];
    s.volume[i] = volumes[i];
  });
  return s;
}

/** Breadth of the universe 'all' over the given tickers, counted by the real per-ticker analysis. */
function breadthOf(tickers: BarSeries[], days: number): BreadthSeries {
  const counts = new BreadthCounts(D0, days, ['']);
  const analyzer = new TickerAnalyzer(counts, new SignalBuffer());
  for (const t of tickers) analyzer.analyzeFull(t, { symbol: t.symbol, bucket: 0, state: null, breadthAfter: null });
  return breadthSeriesFromCounts('all', counts.total(), D0, days);
}

const nulls = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

describe('market breadth', () => {
  // A trades every day; B misses day 3; C lists on day 1. Checked by hand in the comments.
  const universe = [
    bars('A', [0, 1, 2, 3], [10, 11, 11, 12], [100, 200, 300, 400]),
    bars('B', [0, 1, 2], [20, 19, 21], [1000, 1100, 1200]),
    bars('C', [1, 2, 3], [5, 5, 4], [50, 60, 70]),
  ];
  const b = breadthOf(universe, 4);

  it("counts advancers, decliners and unchanged against each ticker's own previous bar", () => {
    // day 0: nobody has a previous bar; day 1: A up, B down, C new; day 2: B up, A and C flat; day 3: A up, C down, B absent.
    assert.deepEqual(
      Array.from(b.dates, (d) => d - D0),
      [0, 1, 2, 3],
    );
    assert.deepEqual(Array.from(b.advancers), [0, 1, 1, 1]);
    assert.deepEqual(Array.from(b.decliners), [0, 1, 0, 1]);
    assert.deepEqual(Array.from(b.unchanged), [0, 0, 2, 0]);
  });

  it('accumulates the AD line and sums up and down volume', () => {
    assert.deepEqual(Array.from(b.adLine), [0, 0, 1, 1]);
    assert.deepEqual(Array.from(b.upVolume), [0, 200, 1200, 400]);
    assert.deepEqual(Array.from(b.downVolume), [0, 1100, 0, 70]);
    assert.deepEqual(nulls(b.adRatio), [null, 1, null, 1]);
    assert.deepEqual(nulls(b.adPercent), [null, 0, 1 / 3, 0]);
  });

  it('computes TRIN as (A/D)/(AV/DV), null when there are no decliners', () => {
    // day 1: (1/1)/(200/1100) = 5.5; day 2: D = 0; day 3: (1/1)/(400/70).
    assert.deepEqual(nulls(b.trin), [null, 1 / (200 / 1100), null, 1 / (400 / 70)]);
  });

  it('leaves percentages above SMAs and RSI shares undefined while no ticker has the history', () => {
    assert.deepEqual(nulls(b.pctAboveSma20), [null, null, null, null]);
    assert.deepEqual(nulls(b.pctRsiAbove70), [null, null, null, null]);
  });

  it('computes percentages over the tickers that have the indicator that day', () => {
    const counts = new BreadthCounts(D0, 2, ['']);
    const d = counts.data[0];
    for (const [day, present, above, withSma, rsiHigh, rsiLow, withRsi] of [
      [0, 4, 3, 4, 1, 0, 4],
      [1, 5, 1, 2, 0, 1, 2],
    ]) {
      d[day * COUNT_FIELDS + C.present] = present;
      d[day * COUNT_FIELDS + C.aboveSma50] = above;
      d[day * COUNT_FIELDS + C.withSma50] = withSma;
      d[day * COUNT_FIELDS + C.rsiAbove70] = rsiHigh;
      d[day * COUNT_FIELDS + C.rsiBelow30] = rsiLow;
      d[day * COUNT_FIELDS + C.withRsi] = withRsi;
    }
    const s = breadthSeriesFromCounts('all', counts.total(), D0, 2);
    assert.deepEqual(Array.from(s.pctAboveSma50), [75, 50]);
    assert.deepEqual(Array.from(s.pctRsiAbove70), [25, 0]);
    assert.deepEqual(Array.from(s.pctRsiBelow30), [0, 50]);
    assert.deepEqual(nulls(s.pctAboveSma200), [null, null]);
  });

  it('skips calendar days on which no ticker of the scope has a bar', () => {
    const s = breadthOf([bars('A', [0, 3], [1, 2], [10, 10])], 4);
    assert.deepEqual(
      Array.from(s.dates, (d) => d - D0),
      [0, 3],
    );
    assert.deepEqual(Array.from(s.advancers), [0, 1]);
  });

  it('computes the ratio-adjusted McClellan oscillator as EMA19 - EMA39 with TA-Lib seeding, and its summation', () => {
    const days = 120;
    const counts = new BreadthCounts(D0, days, ['']);
    const d = counts.data[0];
    const rana: number[] = [];
    for (let i = 0; i < days; i++) {
      const a = i === 0 ? 0 : 10 + ((i * 37) % 23);
      const dec = i === 0 ? 0 : 8 + ((i * 17) % 29);
      d[i * COUNT_FIELDS + C.present] = 60;
      d[i * COUNT_FIELDS + C.advancers] = a;
      d[i * COUNT_FIELDS + C.decliners] = dec;
      d[i * COUNT_FIELDS + C.unchanged] = i === 0 ? 0 : 60 - a - dec;
      if (i > 0) rana.push((1000 * (a - dec)) / (a + dec));
    }
    const s = breadthSeriesFromCounts('all', counts.total(), D0, days);
    // Day 0 has no comparisons, so the oscillator's EMAs start on day 1.
    const emaDirect = (period: number) => {
      const k = 2 / (period + 1);
      const out: number[] = new Array(rana.length).fill(Number.NaN);
      let e = 0;
      for (let i = 0; i < period; i++) e += rana[i];
      e /= period;
      out[period - 1] = e;
      for (let i = period; i < rana.length; i++) out[i] = e = (rana[i] - e) * k + e;
      return out;
    };
    const fast = emaDirect(19);
    const slow = emaDirect(39);
    let summation = 0;
    for (let i = 0; i < rana.length; i++) {
      const mo = fast[i] - slow[i];
      const got = s.mcClellanOscillator[i + 1];
      if (Number.isNaN(mo)) {
        assert.ok(Number.isNaN(got), `oscillator on day ${i + 1} should be undefined`);
        assert.ok(Number.isNaN(s.mcClellanSummation[i + 1]));
        continue;
      }
      summation += mo;
      assert.equal(got, mo, `oscillator on day ${i + 1}`);
      assert.equal(s.mcClellanSummation[i + 1], summation, `summation on day ${i + 1}`);
    }
    assert.ok(Number.isNaN(s.mcClellanOscillator[0]));
    assert.ok(Number.isFinite(s.mcClellanOscillator[39]));
    assert.ok(Number.isNaN(s.mcClellanOscillator[38]));
  });

  it('smooths the record high percent over ten days, carrying it over days without records', () => {
    const days = 12;
    const counts = new BreadthCounts(D0, days, ['']);
    const d = counts.data[0];
    const highs = [0, 3, 1, 0, 2, 4, 0, 1, 5, 2, 3, 1];
    const lows = [0, 1, 1, 0, 2, 0, 0, 3, 0, 2, 1, 1];
    for (let i = 0; i < days; i++) {
      d[i * COUNT_FIELDS + C.present] = 10;
      d[i * COUNT_FIELDS + C.newHighs] = highs[i];
      d[i * COUNT_FIELDS + C.newLows] = lows[i];
    }
    const s = breadthSeriesFromCounts('all', counts.total(), D0, days);
    assert.deepEqual(
      Array.from(s.netNewHighs),
      highs.map((h, i) => h - lows[i]),
    );
    // Record high percent from day 1 on: 75, 50, 50 (carried), 50, 100, 100 (carried), 25, 100, 50, 75, 50.
    const rhp = [75, 50, 50, 50, 100, 100, 25, 100, 50, 75, 50];
    const sma10 = (i: number) => rhp.slice(i - 9, i + 1).reduce((x, y) => x + y, 0) / 10;
    assert.ok(Number.isNaN(s.highLowIndex[9]));
    assert.ok(Math.abs(s.highLowIndex[10] - sma10(9)) < 1e-12);
    assert.ok(Math.abs(s.highLowIndex[11] - sma10(10)) < 1e-12);
  });

  it('keeps counters and counted tickers through a round trip of the stored state', () => {
    const counts = new BreadthCounts(D0, 3, ['', 'Energy']);
    counts.data[1][COUNT_FIELDS + C.advancers] = 7;
    const tickers = new Map([['XOM', { lastDate: D0 + 2, bucket: 'Energy', epoch: 1 }]]);
    const back = decodeBreadthState(encodeBreadthState({ counts, tickers }))!;
    assert.deepEqual(back.tickers, tickers);
    assert.deepEqual(back.counts.buckets, ['', 'Energy']);
    assert.equal(back.counts.data[1][COUNT_FIELDS + C.advancers], 7);
    assert.equal(decodeBreadthState(new Uint8Array([1, 2, 3])), null);
  });
});
