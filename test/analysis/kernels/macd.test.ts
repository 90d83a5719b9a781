import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ema, type MacdResult, macd } from '../../../src/analysis/index.js';
import { registerKernelContract } from './kernel-contract.js';
import { CLEAN_SERIES, flatSeries, loadSeries, withHole } from './series-fixtures.js';
import { assertMatchesTalib, firstValueIndex, talibLines } from './talib-reference.js';

registerKernelContract<MacdResult>({
  name: 'macd(12,26,9)',
  firstOutput: 33,
  compute: (b, out) => macd(b.close, 12, 26, 9, out),
  newOut: (n) => ({ macd: new Float64Array(n), signal: new Float64Array(n), hist: new Float64Array(n) }),
  lines: (r) => [r.macd, r.signal, r.hist],
});

function talibMacd(close: Float64Array, fast: number, slow: number, signal: number) {
  const t = talibLines(
    'MACD',
    { inReal: close },
    { optInFastPeriod: fast, optInSlowPeriod: slow, optInSignalPeriod: signal },
  );
  return { macd: t.outMACD, signal: t.outMACDSignal, hist: t.outMACDHist };
}

function assertMacdMatches(close: Float64Array, fast: number, slow: number, signal: number, label: string): void {
  const ours = macd(close, fast, slow, signal);
  const ref = talibMacd(close, fast, slow, signal);
  assertMatchesTalib(ours.macd, ref.macd, `${label} macd`);
  assertMatchesTalib(ours.signal, ref.signal, `${label} signal`);
  assertMatchesTalib(ours.hist, ref.hist, `${label} hist`);
}

describe('macd', () => {
  it('equals TA-Lib MACD(12,26,9) line, signal and histogram on every bar of four real series', () => {
    for (const name of CLEAN_SERIES) assertMacdMatches(loadSeries(name).close, 12, 26, 9, name);
  });

  it('equals TA-Lib for other periods, including signal 2 and swapped fast/slow', () => {
    const { close } = loadSeries('ge-2006-2016');
    assertMacdMatches(close, 5, 35, 5, '5/35/5');
    assertMacdMatches(close, 3, 10, 2, '3/10/2');
    assertMacdMatches(close, 26, 12, 9, 'swapped 26/12/9');
  });

  it('returns NaN on all three lines until bar 33 (slow 26 + signal 9 - 2)', () => {
    const r = macd(loadSeries('xom-2013-2018').close);
    assert.equal(firstValueIndex(r.macd), 33);
    assert.equal(firstValueIndex(r.signal), 33);
    assert.equal(firstValueIndex(r.hist), 33);
  });

  it('seeds the fast EMA at bar 25 with the mean of bars 14..25, so early MACD differs from EMA12 - EMA26', () => {
    const { close } = loadSeries('aapl-2013-2018');
    const r = macd(close);
    const plain = ema(close, 12)[33] - ema(close, 26)[33];
    assert.notEqual(r.macd[33], plain);
    // Re-create the quirk by hand: EMA12 started at bar 25 from mean(x14..x25).
    let fast = 0;
    for (let i = 14; i <= 25; i++) fast += close[i];
    fast /= 12;
    for (let i = 26; i <= 33; i++) fast = (close[i] - fast) * (2 / 13) + fast;
    assert.ok(Math.abs(r.macd[33] - (fast - ema(close, 26)[33])) < 1e-12);
  });

  it('is 0 on every line on flat prices', () => {
    const r = macd(flatSeries(60).close);
    for (let i = 33; i < 60; i++) {
      assert.equal(r.macd[i], 0);
      assert.equal(r.signal[i], 0);
      assert.equal(r.hist[i], 0);
    }
  });

  it('is NaN from a gap of missing bars onward, as TA-Lib', () => {
    const s = withHole(loadSeries('disca-2013-2018'), 500, 502);
    assertMacdMatches(s.close, 12, 26, 9, s.name);
    const r = macd(s.close);
    assert.ok(Number.isFinite(r.hist[499]));
    assert.ok(r.hist.subarray(500).every((v) => Number.isNaN(v)));
  });

  it('rejects periods TA-Lib rejects, naming the parameter', () => {
    const x = new Float64Array(50);
    assert.throws(() => macd(x, 1), /macd: fast period must be an integer from 2 to 100000, got 1/);
    // TA-Lib's own MACD answers signal 1 with a line shifted by one bar, so it is refused here.
    assert.throws(() => macd(x, 12, 26, 1), /macd: signal period must be an integer from 2 to 100000, got 1/);
  });
});
