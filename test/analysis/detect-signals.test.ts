import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectSignals, SignalBuffer } from '../../src/analysis/detect-signals.js';
import type { IndicatorFrame } from '../../src/analysis/indicator-frame.js';
import { SIGNAL_KINDS } from '../../src/analysis/signal-kinds.js';
import type { SignalKind } from '../../src/domain/signal.js';
import { frameOf } from './frame-builder.js';

function signalsOf(f: IndicatorFrame, from = 1): { day: number; kind: SignalKind; value: number }[] {
  const out = new SignalBuffer();
  detectSignals(f, from, f.length, out);
  return Array.from({ length: out.length }, (_, i) => ({
    day: out.dates[i] - 17_000,
    kind: SIGNAL_KINDS[out.kinds[i]],
    value: out.values[i],
  }));
}

function kinds(f: IndicatorFrame, from = 1): string[] {
  return signalsOf(f, from).map((s) => `${s.day}:${s.kind}`);
}

describe('detectSignals', () => {
  it('fires a golden cross on the bar SMA50 rises above SMA200, and a death cross on the way back', () => {
    const f = frameOf(5, { sma50: [9, 10, 11, 12, 9], sma200: [10, 10.5, 10.8, 11, 10] });
    const s = signalsOf(f).filter((x) => x.kind.endsWith('cross') && !x.kind.startsWith('macd'));
    assert.deepEqual(
      s.map((x) => [x.day, x.kind, x.value]),
      [
        [2, 'golden-cross', 11],
        [4, 'death-cross', 9],
      ],
    );
  });

  it('fires no crossing while the previous bar is still warming up', () => {
    const f = frameOf(3, { sma50: [Number.NaN, 12, 13], sma200: [Number.NaN, 10, 10], close: [1, 20, 20] });
    assert.deepEqual(kinds(f), []);
  });

  it('fires close-above and close-below SMA50 and SMA200 on the crossing bar with the close as value', () => {
    const f = frameOf(4, {
      close: [9, 11, 12, 8],
      sma50: [10, 10, 10, 10],
      sma200: [11.5, 11.5, 11.5, 11.5],
    });
    assert.deepEqual(kinds(f), [
      '1:close-above-sma50',
      '2:close-above-sma200',
      '3:close-below-sma50',
      '3:close-below-sma200',
    ]);
    assert.equal(signalsOf(f)[0].value, 11);
  });

  it('fires RSI crossings of 70 and 30 with the RSI as value', () => {
    const f = frameOf(5, { rsi14: [65, 71, 72, 35, 29] });
    const s = signalsOf(f);
    assert.deepEqual(
      s.map((x) => [x.day, x.kind, x.value]),
      [
        [1, 'rsi-above-70', 71],
        [4, 'rsi-below-30', 29],
      ],
    );
  });

  it('fires MACD crosses when the histogram changes sign, with MACD as value', () => {
    const f = frameOf(4, { macd: [1, 2, 3, 1], macdHist: [-0.1, 0.2, 0.3, -0.05] });
    const s = signalsOf(f);
    assert.deepEqual(
      s.map((x) => [x.day, x.kind, x.value]),
      [
        [1, 'macd-bullish-cross', 2],
        [3, 'macd-bearish-cross', 1],
      ],
    );
  });

  it("fires a new 52-week high when the high beats the previous bars' 251-bar highest high, and a low likewise", () => {
    const f = frameOf(3, { high: [10, 12, 11], high251: [11, 12, 12], low: [5, 6, 3.5], low251: [4, 4, 3.5] });
    assert.deepEqual(kinds(f), ['1:new-52w-high', '2:new-52w-low']);
    assert.equal(signalsOf(f)[0].value, 12);
  });

  it('fires a squeeze on the bar the bandwidth first sits at its lowest of a full 126-bar window', () => {
    const n = 131;
    // Rising bandwidth with a dip at bar 3 (no full window yet, so no signal there), then a drop to 5 from
    // bar 127: the dip still holds the window's low until it leaves it, so the squeeze begins at bar 129
    // and does not fire again while the bandwidth stays at the low.
    const bandwidth = Array.from({ length: n }, (_, i) => (i === 3 ? 1 : i < 127 ? 10 + i * 0.01 : 5));
    const min = bandwidth.map((_, i) => Math.min(...bandwidth.slice(Math.max(0, i - 125), i + 1)));
    const f = frameOf(n, { bandwidth, bandwidthMin126: min });
    assert.deepEqual(kinds(f), ['129:bb-squeeze']);
    assert.equal(signalsOf(f)[0].value, 5);
  });

  it('fires breakouts when the close leaves the bands, once per excursion', () => {
    const f = frameOf(6, {
      close: [100, 106, 107, 100, 93, 92],
      bbUpper: [105, 105, 105, 105, 105, 105],
      bbLower: [95, 95, 95, 95, 95, 95],
    });
    assert.deepEqual(kinds(f), ['1:bb-breakout-up', '4:bb-breakout-down']);
  });

  it('fires a volume spike on every bar above twice the 50-day average, with the ratio as value', () => {
    const f = frameOf(4, { volume: [100, 250, 190, 300], volumeSma50: [100, 100, 100, 100] });
    const s = signalsOf(f);
    assert.deepEqual(
      s.map((x) => [x.day, x.kind, x.value]),
      [
        [1, 'volume-spike', 2.5],
        [3, 'volume-spike', 3],
      ],
    );
  });

  it('looks only at bars from `from` on', () => {
    const f = frameOf(4, { volume: [300, 300, 300, 300], volumeSma50: [100, 100, 100, 100] });
    assert.deepEqual(kinds(f, 2), ['2:volume-spike', '3:volume-spike']);
  });
});
