import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mfi } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, HOLEY_SERIES, loadSeries, type SeriesFixture, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'mfi(14)',
  firstOutput: 14,
  compute: (b, out) => mfi(b.high, b.low, b.close, b.volume, 14, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (s: SeriesFixture, p: number) =>
  talibLines('MFI', { high: s.high, low: s.low, close: s.close, volume: s.volume }, { optInTimePeriod: p }).outReal;

describe('mfi', () => {
  it('equals TA-Lib MFI(14) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const s = loadSeries(name);
      assertMatchesTalib(mfi(s.high, s.low, s.close, s.volume), ref(s, 14), name);
    }
  });

  it('equals TA-Lib for periods 2, 5 and 50', () => {
    const s = loadSeries('ge-2006-2016');
    for (const p of [2, 5, 50]) assertMatchesTalib(mfi(s.high, s.low, s.close, s.volume, p), ref(s, p), `p=${p}`);
  });

  it('returns NaN until bar 14 (14 typical-price changes)', () => {
    const s = loadSeries('aapl-2013-2018');
    assert.equal(firstValueIndex(mfi(s.high, s.low, s.close, s.volume)), 14);
  });

  it('is 0 on flat prices (no flow either way), as TA-Lib', () => {
    const s = flatSeries(30);
    const out = mfi(s.high, s.low, s.close, s.volume);
    assertMatchesTalib(out, ref(s, 14), 'flat');
    for (let i = 14; i < 30; i++) assert.equal(out[i], 0);
  });

  it('skips a gap of missing bars (no flow on them or the bar after) and continues, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = mfi(s.high, s.low, s.close, s.volume);
    assertMatchesTalib(out, ref(s, 14), s.name);
    assert.ok(
      out.subarray(14).every((v) => Number.isFinite(v)),
      'no NaN anywhere after the warm-up',
    );
  });

  it('matches TA-Lib on a real series with empty high/low cells', () => {
    const s = loadSeries(HOLEY_SERIES);
    assertMatchesTalib(mfi(s.high, s.low, s.close, s.volume), ref(s, 14), s.name);
  });
});
