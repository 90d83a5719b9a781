import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { obv } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, HOLEY_SERIES, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, talibLines } from './talib-reference.js';

registerKernelContract<Float64Array>({
  name: 'obv',
  firstOutput: 0,
  compute: (b, out) => obv(b.close, b.volume, out),
  newOut: (n) => new Float64Array(n),
  lines: (r) => [r],
});

const ref = (close: Float64Array, volume: Float64Array) => talibLines('OBV', { inReal: close, volume }, {}).outReal;

describe('obv', () => {
  it('equals TA-Lib OBV on every bar of five real series', () => {
    for (const name of [...CLEAN_SERIES, HOLEY_SERIES]) {
      const s = loadSeries(name);
      assertMatchesTalib(obv(s.close, s.volume), ref(s.close, s.volume), name);
    }
  });

  it("starts at the first bar's volume, not 0, as TA-Lib", () => {
    assert.deepEqual(Array.from(obv(Float64Array.from([10]), Float64Array.from([500]))), [500]);
  });

  it('adds volume on up closes, subtracts it on down closes, keeps it on unchanged closes', () => {
    const out = obv(Float64Array.from([10, 11, 11, 9]), Float64Array.from([100, 20, 30, 5]));
    assert.deepEqual(Array.from(out), [100, 120, 120, 115]);
  });

  it('stays at the first volume on flat prices', () => {
    const s = flatSeries(10);
    assert.ok(obv(s.close, s.volume).every((v) => v === s.volume[0]));
  });

  it('stays flat across a gap of missing bars and the bar after it, then continues, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    const out = obv(s.close, s.volume);
    assertMatchesTalib(out, ref(s.close, s.volume), s.name);
    for (let i = 600; i <= 605; i++) assert.equal(out[i], out[599], `bar ${i}`);
    assert.ok(Number.isFinite(out[606]) && out[606] !== out[605]);
  });

  it('rejects a volume column of another length, naming both', () => {
    assert.throws(() => obv(new Float64Array(3), new Float64Array(2)), /obv: volume has 2 values, expected 3/);
  });
});
