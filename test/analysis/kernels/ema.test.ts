import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ema } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'ema(20)',
  firstOutput: 19,
  compute: (b, out) => ema(b.close, 20, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

describe('ema', () => {
  it('equals TA-Lib EMA(20) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) {
      const { close } = loadSeries(name);
      assertMatchesTalib(ema(close, 20), talibLines('EMA', { inReal: close }, { optInTimePeriod: 20 }).outReal, name);
    }
  });

  it('equals TA-Lib for periods 2, 12, 26 and 200', () => {
    const { close } = loadSeries('ge-2006-2016');
    for (const p of [2, 12, 26, 200]) {
      assertMatchesTalib(ema(close, p), talibLines('EMA', { inReal: close }, { optInTimePeriod: p }).outReal, `p=${p}`);
    }
  });

  it('is seeded with the simple mean of the first period values, not the first price', () => {
    const close = Float64Array.from([10, 20, 30, 40]);
    const out = ema(close, 3);
    assert.equal(firstValueIndex(out), 2);
    assert.equal(out[2], 20);
    assert.equal(out[3], (40 - 20) * 0.5 + 20);
  });

  it('stays on the price on flat prices', () => {
    const out = ema(flatSeries(40, 7).close, 10);
    for (let i = 9; i < 40; i++) assert.equal(out[i], 7);
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('xom-2013-2018'), 700, 703);
    const out = ema(s.close, 20);
    assertMatchesTalib(out, talibLines('EMA', { inReal: s.close }, { optInTimePeriod: 20 }).outReal, s.name);
    assert.ok(Number.isFinite(out[699]));
    assert.ok(out.subarray(700).every((v) => Number.isNaN(v)));
  });

  it('rejects a period TA-Lib rejects, naming it', () => {
    assert.throws(() => ema(new Float64Array(5), 0), /ema: period must be an integer from 2 to 100000, got 0/);
  });
});
