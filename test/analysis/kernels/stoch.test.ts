import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StochResult, stoch } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, HOLEY_SERIES, loadSeries, type SeriesFixture, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<StochResult>({
  name: 'stoch(14,3,3)',
  firstOutput: 17,
  compute: (b, out) => stoch(b.high, b.low, b.close, 14, 3, 3, out),
  newOut: (n) => ({ k: new Float64Array(n), d: new Float64Array(n) }),
  lines: (r) => [r.k, r.d],
});

function assertStochMatches(s: SeriesFixture, fastK: number, slowK: number, slowD: number, label: string): void {
  const ours = stoch(s.high, s.low, s.close, fastK, slowK, slowD);
  const t = talibLines(
    'STOCH',
    { high: s.high, low: s.low, close: s.close },
    {
      optInFastK_Period: fastK,
      optInSlowK_Period: slowK,
      optInSlowK_MAType: 0,
      optInSlowD_Period: slowD,
      optInSlowD_MAType: 0,
    },
  );
  assertMatchesTalib(ours.k, t.outSlowK, `${label} %K`);
  assertMatchesTalib(ours.d, t.outSlowD, `${label} %D`);
}

describe('stoch', () => {
  it('equals TA-Lib STOCH(14, 3 SMA, 3 SMA) %K and %D on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) assertStochMatches(loadSeries(name), 14, 3, 3, name);
  });

  it('equals TA-Lib for other periods, including 1-bar smoothing', () => {
    const s = loadSeries('ge-2006-2016');
    assertStochMatches(s, 5, 3, 3, '5/3/3');
    assertStochMatches(s, 14, 1, 1, '14/1/1');
    assertStochMatches(s, 21, 5, 2, '21/5/2');
  });

  it('returns NaN on both lines until bar 17 (14 + 3 + 3 - 3)', () => {
    const s = loadSeries('xom-2013-2018');
    const r = stoch(s.high, s.low, s.close);
    assert.equal(firstValueIndex(r.k), 17);
    assert.equal(firstValueIndex(r.d), 17);
  });

  it('is 100 when every close is the high of the window and 0 when it is the low', () => {
    const n = 30;
    const risingHigh = Float64Array.from({ length: n }, (_, i) => 10 + i);
    const risingLow = Float64Array.from({ length: n }, (_, i) => 9 + i);
    assert.ok(
      stoch(risingHigh, risingLow, risingHigh)
        .k.subarray(17)
        .every((v) => Math.abs(v - 100) < 1e-9),
    );
    const fallingHigh = risingHigh.slice().reverse();
    const fallingLow = risingLow.slice().reverse();
    assert.ok(
      stoch(fallingHigh, fallingLow, fallingLow)
        .d.subarray(17)
        .every((v) => v === 0),
    );
  });

  it('is 0 on flat prices (no range), as TA-Lib', () => {
    const s = flatSeries(30);
    assertStochMatches(s, 14, 3, 3, 'flat');
    assert.ok(
      stoch(s.high, s.low, s.close)
        .k.subarray(17)
        .every((v) => v === 0),
    );
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('aapl-2013-2018'), 600, 605);
    assertStochMatches(s, 14, 3, 3, s.name);
    const r = stoch(s.high, s.low, s.close);
    assert.ok(Number.isFinite(r.d[599]));
    assert.ok(r.d.subarray(600).every((v) => Number.isNaN(v)));
  });

  it('skips an empty high/low cell when the close is present, as TA-Lib does on a real series', () => {
    // O has empty high/low on 2016-01-12 with a close; the window's highest/lowest skip the hole.
    const s = loadSeries(HOLEY_SERIES);
    assertStochMatches(s, 14, 3, 3, s.name);
    assert.ok(Number.isFinite(stoch(s.high, s.low, s.close).d[s.close.length - 1]));
  });

  it('rejects a zero period, naming the parameter', () => {
    const a = new Float64Array(30);
    assert.throws(() => stoch(a, a, a, 14, 0), /stoch: slowK period must be an integer from 1 to 100000, got 0/);
  });
});
