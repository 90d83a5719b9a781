import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rsi } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'rsi(14)',
  firstOutput: 14,
  compute: (b, out) => rsi(b.close, 14, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

describe('rsi', () => {
  it('equals TA-Lib RSI(14) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const { close } = loadSeries(name);
      assertMatchesTalib(rsi(close), talibLines('RSI', { inReal: close }, { optInTimePeriod: 14 }).outReal, name);
    }
  });

  it('equals TA-Lib for periods 2, 5 and 30', () => {
    const { close } = loadSeries('disca-2013-2018');
    for (const p of [2, 5, 30]) {
      assertMatchesTalib(rsi(close, p), talibLines('RSI', { inReal: close }, { optInTimePeriod: p }).outReal, `p=${p}`);
    }
  });

  it('returns NaN until 14 closes are seen, i.e. its first value is at bar 14', () => {
    const { close } = loadSeries('aapl-2013-2018');
    assert.equal(firstValueIndex(rsi(close.subarray(0, 15))), 14);
    assert.ok(rsi(close.subarray(0, 14)).every((v) => Number.isNaN(v)));
  });

  it('is 100 after only gains and 0 after only losses', () => {
    const up = Float64Array.from({ length: 20 }, (_, i) => 10 + i);
    const down = Float64Array.from({ length: 20 }, (_, i) => 30 - i);
    assert.equal(rsi(up)[19], 100);
    assert.equal(rsi(down)[19], 0);
  });

  it('gives 0, not 50, on flat prices, as TA-Lib', () => {
    const { close } = flatSeries(30);
    const out = rsi(close);
    for (let i = 14; i < 30; i++) assert.equal(out[i], 0);
    assertMatchesTalib(out, talibLines('RSI', { inReal: close }, { optInTimePeriod: 14 }).outReal, 'flat');
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = rsi(s.close);
    assertMatchesTalib(out, talibLines('RSI', { inReal: s.close }, { optInTimePeriod: 14 }).outReal, s.name);
    assert.ok(Number.isFinite(out[599]));
    assert.ok(out.subarray(600).every((v) => Number.isNaN(v)));
  });

  it('rejects period 1, which TA-Lib rejects', () => {
    assert.throws(() => rsi(new Float64Array(5), 1), /rsi: period must be an integer from 2 to 100000, got 1/);
  });
});
