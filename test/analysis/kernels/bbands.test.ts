import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BbandsResult, bbands, sma } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<BbandsResult>({
  name: 'bbands(20,2)',
  firstOutput: 19,
  compute: (b, out) => bbands(b.close, 20, 2, out),
  newOut: (n) => ({ upper: new Float64Array(n), middle: new Float64Array(n), lower: new Float64Array(n) }),
  lines: (r) => [r.upper, r.middle, r.lower],
});

function assertBbandsMatch(close: Float64Array, period: number, k: number, label: string): void {
  const ours = bbands(close, period, k);
  const t = talibLines(
    'BBANDS',
    { inReal: close },
    { optInTimePeriod: period, optInNbDevUp: k, optInNbDevDn: k, optInMAType: 0 },
  );
  assertMatchesTalib(ours.upper, t.outRealUpperBand, `${label} upper`);
  assertMatchesTalib(ours.middle, t.outRealMiddleBand, `${label} middle`);
  assertMatchesTalib(ours.lower, t.outRealLowerBand, `${label} lower`);
}

describe('bbands', () => {
  it('equals TA-Lib BBANDS(20, 2, 2, SMA) on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) assertBbandsMatch(loadSeries(name).close, 20, 2, name);
  });

  it('equals TA-Lib for other periods and widths (10 x 1, 50 x 2.5)', () => {
    const { close } = loadSeries('ge-2006-2016');
    assertBbandsMatch(close, 10, 1, '10x1');
    assertBbandsMatch(close, 50, 2.5, '50x2.5');
  });

  it('centres the bands on the SMA and starts at bar 19', () => {
    const { close } = loadSeries('aapl-2013-2018');
    const r = bbands(close);
    assert.equal(firstValueIndex(r.middle), 19);
    assert.deepEqual(r.middle, sma(close, 20));
  });

  it('collapses the bands onto the price on flat prices (standard deviation 0)', () => {
    const r = bbands(flatSeries(30, 40).close);
    for (let i = 19; i < 30; i++) {
      assert.equal(r.upper[i], 40);
      assert.equal(r.middle[i], 40);
      assert.equal(r.lower[i], 40);
    }
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    assertBbandsMatch(s.close, 20, 2, s.name);
    const r = bbands(s.close);
    assert.ok(Number.isFinite(r.upper[599]));
    assert.ok(r.upper.subarray(600).every((v) => Number.isNaN(v)));
  });

  it('rejects a non-finite band width, naming it', () => {
    assert.throws(() => bbands(new Float64Array(30), 20, Number.NaN), /bbands: k must be a finite number, got NaN/);
  });
});
