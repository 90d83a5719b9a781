import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreadthCounts } from '../../src/analysis/breadth-counts.js';
import { SignalBuffer } from '../../src/analysis/detect-signals.js';
import { fillMissingRange } from '../../src/analysis/indicator-frame.js';
import { atr } from '../../src/analysis/kernels/atr.js';
import { bbands } from '../../src/analysis/kernels/bbands.js';
import { ema } from '../../src/analysis/kernels/ema.js';
import { macd } from '../../src/analysis/kernels/macd.js';
import { rsi } from '../../src/analysis/kernels/rsi.js';
import { sma } from '../../src/analysis/kernels/sma.js';
import { TickerAnalyzer } from '../../src/analysis/ticker-analyzer.js';
import type { BarSeries } from '../../src/domain/bar-series.js';
import { firstDayOfYear, yearOfDay } from '../../src/domain/epoch-day.js';
import type { ScreenerRow } from '../../src/domain/screener-row.js';
import { fixtureBars, headBars } from './bar-series-fixtures.js';

function rowOf(series: BarSeries): ScreenerRow {
  const counts = new BreadthCounts(series.dates[0], series.dates[series.dates.length - 1] - series.dates[0] + 1, ['']);
  const analyzer = new TickerAnalyzer(counts, new SignalBuffer());
  return analyzer.analyzeFull(series, { symbol: series.symbol, bucket: 0, state: null, breadthAfter: null }).row;
}

const last = (a: Float64Array) => a[a.length - 1];

describe('screener row', () => {
  for (const name of ['aapl-2013-2018', 'o-2013-2018', 'ge-2006-2016']) {
    it(`holds the kernels' last values for ${name}`, () => {
      const s = fixtureBars(name);
      const row = rowOf(s);
      const { close } = s;
      const n = close.length;
      const high = new Float64Array(n);
      const low = new Float64Array(n);
      fillMissingRange(close, s.high, s.low, high, low, 0, n);
      const m = macd(close);
      const b = bbands(close, 20, 2);
      assert.equal(row.bars, n);
      assert.equal(row.close, last(close));
      assert.equal(row.ema10, last(ema(close, 10)));
      assert.equal(row.ema200, last(ema(close, 200)));
      assert.equal(row.sma50, last(sma(close, 50)));
      assert.equal(row.sma200, last(sma(close, 200)));
      assert.equal(row.rsi14, last(rsi(close, 14)));
      assert.equal(row.macd, last(m.macd));
      assert.equal(row.macdSignal, last(m.signal));
      assert.equal(row.macdHist, last(m.hist));
      assert.equal(row.atr14, last(atr(high, low, close, 14)));
      assert.equal(row.avgVolume50, last(sma(s.volume, 50)));
      const up = last(b.upper);
      const lo = last(b.lower);
      assert.equal(row.bbPercentB, (last(close) - lo) / (up - lo));
      assert.equal(row.bbBandwidth, ((up - lo) / last(b.middle)) * 100);
      assert.ok(row.atr14 !== null && row.atrPct !== null);
      assert.ok(Math.abs(row.atrPct - (100 * row.atr14) / row.close) < 1e-12);
    });
  }

  it('computes returns, the 52-week range, volatility and the volume ratio from the last bars', () => {
    const s = fixtureBars('xom-2013-2018');
    const row = rowOf(s);
    const c = s.close;
    const n = c.length;
    const ret = (k: number) => (c[n - 1] / c[n - 1 - k] - 1) * 100;
    assert.equal(row.ret1d, ret(1));
    assert.equal(row.ret1w, ret(5));
    assert.equal(row.ret1m, ret(21));
    assert.equal(row.ret3m, ret(63));
    assert.equal(row.ret6m, ret(126));
    assert.equal(row.ret1y, ret(252));
    assert.equal(row.change1d, c[n - 1] - c[n - 2]);
    const yearStart = firstDayOfYear(yearOfDay(s.dates[n - 1]));
    let base = n - 1;
    while (s.dates[base] >= yearStart) base--;
    assert.equal(row.retYtd, (c[n - 1] / c[base] - 1) * 100);
    assert.equal(row.high52w, Math.max(...s.high.subarray(n - 252)));
    assert.equal(row.low52w, Math.min(...s.low.subarray(n - 252)));
    assert.equal(row.distHigh52w, (c[n - 1] / row.high52w! - 1) * 100);
    assert.ok(row.distHigh52w! <= 0 && row.distLow52w! >= 0);
    assert.equal(row.volumeRatio, s.volume[n - 1] / row.avgVolume50!);
    // Population standard deviation of the last 20 log returns, annualised, in percent.
    const r = Array.from({ length: 20 }, (_, i) => Math.log(c[n - 20 + i] / c[n - 21 + i]));
    const mean = r.reduce((x, y) => x + y, 0) / 20;
    const sd = Math.sqrt(r.reduce((x, y) => x + (y - mean) ** 2, 0) / 20);
    assert.ok(Math.abs(row.vol20! - sd * Math.sqrt(252) * 100) < 1e-8);
    assert.ok(row.vol60! > 0);
  });

  it('leaves values null while the history is too short for them', () => {
    const row = rowOf(headBars(fixtureBars('aapl-2013-2018'), 30));
    assert.equal(row.bars, 30);
    assert.equal(row.sma50, null);
    assert.equal(row.ema200, null);
    assert.equal(row.macd, null);
    assert.equal(row.macdStage, 'none');
    assert.equal(row.ret3m, null);
    assert.equal(row.vol60, null);
    assert.notEqual(row.sma20, null);
    assert.notEqual(row.rsi14, null);
    assert.equal(row.high52w, Math.max(...fixtureBars('aapl-2013-2018').high.subarray(0, 30)));
  });
});
