import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atr } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, HOLEY_SERIES, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'atr(14)',
  firstOutput: 14,
  compute: (b, out) => atr(b.high, b.low, b.close, 14, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (s: { high: Float64Array; low: Float64Array; close: Float64Array }, p: number) =>
  talibLines('ATR', { high: s.high, low: s.low, close: s.close }, { optInTimePeriod: p }).outReal;

describe('atr', () => {
  it('equals TA-Lib ATR(14) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const s = loadSeries(name);
      assertMatchesTalib(atr(s.high, s.low, s.close), ref(s, 14), name);
    }
  });

  it('equals TA-Lib for periods 1 (the true range itself), 2 and 50', () => {
    const s = loadSeries('disca-2013-2018');
    for (const p of [1, 2, 50]) assertMatchesTalib(atr(s.high, s.low, s.close, p), ref(s, p), `p=${p}`);
  });

  it('returns NaN until bar 14, because bar 0 has no previous close and so no true range', () => {
    const s = loadSeries('aapl-2013-2018');
    assert.equal(firstValueIndex(atr(s.high, s.low, s.close)), 14);
  });

  it('counts an overnight gap in the true range', () => {
    // Bar 1 trades 20..21 after a close of 10: TR = 11, not the 1 of its own range.
    const high = Float64Array.from([10, 21]);
    const low = Float64Array.from([10, 20]);
    const close = Float64Array.from([10, 20.5]);
    assert.equal(atr(high, low, close, 1)[1], 11);
  });

  it('is 0 on flat prices', () => {
    const s = flatSeries(30);
    const out = atr(s.high, s.low, s.close);
    for (let i = 14; i < 30; i++) assert.equal(out[i], 0);
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = atr(s.high, s.low, s.close);
    assertMatchesTalib(out, ref(s, 14), s.name);
    assert.ok(Number.isFinite(out[599]));
    assert.ok(out.subarray(600).every((v) => Number.isNaN(v)));
  });

  it('matches TA-Lib on a real series with empty high/low cells (NaN from the first one on)', () => {
    const s = loadSeries(HOLEY_SERIES);
    assertMatchesTalib(atr(s.high, s.low, s.close), ref(s, 14), s.name);
  });

  it('rejects columns of different lengths, naming them', () => {
    const a = new Float64Array(20);
    assert.throws(() => atr(a, a, new Float64Array(19)), /atr: close has 19 values, expected 20/);
  });
});
