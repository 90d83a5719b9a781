import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INDICATOR_NAMES, indicatorArrays } from '../../src/analysis/indicator-arrays.js';
import { ema } from '../../src/analysis/kernels/ema.js';
import { macd } from '../../src/analysis/kernels/macd.js';
import { fixtureBars } from './bar-series-fixtures.js';

describe('indicatorArrays', () => {
  const s = fixtureBars('o-2013-2018');

  it('returns the requested arrays, aligned with the bars, equal to the kernels', () => {
    const a = indicatorArrays(s, ['macdHist', 'ema50']);
    assert.deepEqual(Object.keys(a), ['ema50', 'macdHist']);
    assert.deepEqual(a.ema50, ema(s.close, 50));
    assert.deepEqual(a.macdHist, macd(s.close).hist);
  });

  it('returns every indicator for all', () => {
    const a = indicatorArrays(s, ['all']);
    assert.deepEqual(Object.keys(a), [...INDICATOR_NAMES]);
    for (const name of INDICATOR_NAMES) assert.equal(a[name].length, s.close.length);
  });

  it('keeps the ATR defined past bars without a high or low', () => {
    const a = indicatorArrays(s, ['atr14']);
    assert.ok(Number.isFinite(a.atr14[a.atr14.length - 1]));
  });

  it('names an unknown indicator and lists the allowed ones', () => {
    assert.throws(
      () => indicatorArrays(s, ['sma20', 'vwap']),
      /unknown indicator "vwap"; expected one of ema10, .*atr14 or all/,
    );
  });
});
