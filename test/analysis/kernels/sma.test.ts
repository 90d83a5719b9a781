import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sma } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'sma(50)',
  firstOutput: 49,
  compute: (b, out) => sma(b.close, 50, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

describe('sma', () => {
  it('equals TA-Lib SMA(50) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const { close } = loadSeries(name);
      assertMatchesTalib(sma(close, 50), talibLines('SMA', { inReal: close }, { optInTimePeriod: 50 }).outReal, name);
    }
  });

  it('equals TA-Lib for short and long periods (2, 20, 200)', () => {
    const { close } = loadSeries('ge-2006-2016');
    for (const p of [2, 20, 200]) {
      assertMatchesTalib(sma(close, p), talibLines('SMA', { inReal: close }, { optInTimePeriod: p }).outReal, `p=${p}`);
    }
  });

  it('returns NaN until 20 closes are seen, then the mean of the last 20', () => {
    const close = Float64Array.from({ length: 25 }, (_, i) => i + 1);
    const out = sma(close, 20);
    assert.equal(firstValueIndex(out), 19);
    assert.equal(out[19], 10.5);
    assert.equal(out[24], 15.5);
  });

  it('returns the price itself on flat prices', () => {
    const out = sma(flatSeries(30, 12.5).close, 10);
    for (let i = 9; i < 30; i++) assert.equal(out[i], 12.5);
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = sma(s.close, 50);
    assertMatchesTalib(out, talibLines('SMA', { inReal: s.close }, { optInTimePeriod: 50 }).outReal, s.name);
    assert.ok(Number.isFinite(out[599]));
    assert.ok(
      out.subarray(600).every((v) => Number.isNaN(v)),
      'the running sum stays NaN',
    );
  });

  it('rejects a period TA-Lib rejects, naming it', () => {
    const close = new Float64Array(10);
    assert.throws(() => sma(close, 1), /sma: period must be an integer from 2 to 100000, got 1/);
    assert.throws(() => sma(close, 2.5), /got 2.5/);
    assert.throws(() => sma(close, 100_001), RangeError);
  });
});
