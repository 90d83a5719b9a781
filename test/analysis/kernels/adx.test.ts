import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adx } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, HOLEY_SERIES, loadSeries, type SeriesFixture, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'adx(14)',
  firstOutput: 27,
  compute: (b, out) => adx(b.high, b.low, b.close, 14, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (s: SeriesFixture, p: number) =>
  talibLines('ADX', { high: s.high, low: s.low, close: s.close }, { optInTimePeriod: p }).outReal;

describe('adx', () => {
  it('equals TA-Lib ADX(14) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const s = loadSeries(name);
      assertMatchesTalib(adx(s.high, s.low, s.close), ref(s, 14), name);
    }
  });

  it('equals TA-Lib for periods 2, 7 and 50', () => {
    const s = loadSeries('ge-2006-2016');
    for (const p of [2, 7, 50]) assertMatchesTalib(adx(s.high, s.low, s.close, p), ref(s, p), `p=${p}`);
  });

  it('returns NaN until bar 27 (2 x 14 - 1): 14 bars of DM/TR, then 14 DX values averaged', () => {
    const s = loadSeries('aapl-2013-2018');
    assert.equal(firstValueIndex(adx(s.high, s.low, s.close)), 27);
  });

  it('is near 100 in a steady one-way trend', () => {
    const n = 80;
    const high = Float64Array.from({ length: n }, (_, i) => 11 + i);
    const low = Float64Array.from({ length: n }, (_, i) => 10 + i);
    const close = Float64Array.from({ length: n }, (_, i) => 10.5 + i);
    assert.ok(Math.abs(adx(high, low, close)[n - 1] - 100) < 1e-9);
  });

  it('is 0 on flat prices, as TA-Lib (no range: no DX is added)', () => {
    const s = flatSeries(40);
    const out = adx(s.high, s.low, s.close);
    assertMatchesTalib(out, ref(s, 14), 'flat');
    for (let i = 27; i < 40; i++) assert.equal(out[i], 0);
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = adx(s.high, s.low, s.close);
    assertMatchesTalib(out, ref(s, 14), s.name);
    assert.ok(Number.isFinite(out[599]));
    assert.ok(out.subarray(600).every((v) => Number.isNaN(v)));
  });

  it('matches TA-Lib on a real series with empty high/low cells (NaN from the first one on)', () => {
    const s = loadSeries(HOLEY_SERIES);
    assertMatchesTalib(adx(s.high, s.low, s.close), ref(s, 14), s.name);
  });
});
