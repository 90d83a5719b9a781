import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameBuffers, fillMissingRange } from '../../src/analysis/indicator-frame.js';
import {
  advanceRecurrences,
  R_ATR,
  R_BARS,
  R_BB_LOWER,
  R_BB_MIDDLE,
  R_BB_UPPER,
  R_EMA10,
  R_EMA20,
  R_EMA50,
  R_EMA100,
  R_EMA200,
  R_MACD,
  R_MACD_HIST,
  R_MACD_SIGNAL,
  R_RSI14,
  R_SMA20,
  R_SMA50,
  R_SMA200,
  R_VOLUME_SMA50,
  recurrencesMatchFrame,
  replayRecurrences,
  SEED_BARS,
} from '../../src/analysis/indicator-recurrences.js';
import { atr } from '../../src/analysis/kernels/atr.js';
import { bbands } from '../../src/analysis/kernels/bbands.js';
import { ema } from '../../src/analysis/kernels/ema.js';
import { macd } from '../../src/analysis/kernels/macd.js';
import { rsi } from '../../src/analysis/kernels/rsi.js';
import { sma } from '../../src/analysis/kernels/sma.js';
import { computeKernelFrame } from '../../src/analysis/ticker-analyzer.js';
import { fixtureBars, headBars, walkBars } from './bar-series-fixtures.js';
import { CLEAN_SERIES, HOLEY_SERIES } from './kernels/series-fixtures.js';

/** Same bits, NaN equal to NaN. */
function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function inputsOf(series: ReturnType<typeof fixtureBars>) {
  const n = series.close.length;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  fillMissingRange(series.close, series.high, series.low, high, low, 0, n);
  return { close: series.close, high, low, volume: series.volume };
}

/** Every kernel's value at bar n-1 of the first n bars, keyed by the state slot that must equal it. */
function kernelValuesAt(series: ReturnType<typeof fixtureBars>, n: number): [string, number, number][] {
  const head = headBars(series, n);
  const { close, high, low, volume } = inputsOf(head);
  const m = macd(close, 12, 26, 9);
  const b = bbands(close, 20, 2);
  const last = n - 1;
  return [
    ['ema10', R_EMA10, ema(close, 10)[last]],
    ['ema20', R_EMA20, ema(close, 20)[last]],
    ['ema50', R_EMA50, ema(close, 50)[last]],
    ['ema100', R_EMA100, ema(close, 100)[last]],
    ['ema200', R_EMA200, ema(close, 200)[last]],
    ['sma20', R_SMA20, sma(close, 20)[last]],
    ['sma50', R_SMA50, sma(close, 50)[last]],
    ['sma200', R_SMA200, sma(close, 200)[last]],
    ['volume sma50', R_VOLUME_SMA50, sma(volume, 50)[last]],
    ['rsi14', R_RSI14, rsi(close, 14)[last]],
    ['macd', R_MACD, m.macd[last]],
    ['macd signal', R_MACD_SIGNAL, m.signal[last]],
    ['macd hist', R_MACD_HIST, m.hist[last]],
    ['bb upper', R_BB_UPPER, b.upper[last]],
    ['bb middle', R_BB_MIDDLE, b.middle[last]],
    ['bb lower', R_BB_LOWER, b.lower[last]],
    ['atr14', R_ATR, atr(high, low, close, 14)[last]],
  ];
}

describe('indicator recurrences', () => {
  for (const name of [...CLEAN_SERIES, HOLEY_SERIES]) {
    it(`replays to the kernels' exact last values on every history length of ${name}`, () => {
      const series = fixtureBars(name);
      const inputs = inputsOf(series);
      const lengths = [1, 2, 14, 15, 20, 26, 34, 50, 199, 200, 201, 299, 300, 301, 777, series.close.length];
      for (let n = 310; n < series.close.length; n += 97) lengths.push(n);
      for (const n of lengths) {
        const r = replayRecurrences(inputs, n);
        assert.equal(r[R_BARS], n);
        for (const [label, slot, expected] of kernelValuesAt(series, n)) {
          assert.ok(same(r[slot], expected), `${label} after ${n} bars: replay ${r[slot]}, kernel ${expected}`);
        }
      }
    });
  }

  it('continues a state bar by bar with the same bits as replaying the longer history', () => {
    const series = walkBars('WALK', 900, 3);
    const inputs = inputsOf(series);
    const frame = new FrameBuffers().frame(900);
    const r = replayRecurrences(inputs, 400);
    advanceRecurrences(r, inputs, 400, 900, frame);
    const direct = replayRecurrences(inputs, 900);
    for (let slot = 0; slot < r.length; slot++) assert.ok(same(r[slot], direct[slot]), `slot ${slot}`);
    const sma50 = sma(series.close, 50);
    const hist = macd(series.close).hist;
    for (let i = 400; i < 900; i++) {
      assert.ok(same(frame.sma50[i], sma50[i]), `sma50 at ${i}`);
      assert.ok(same(frame.macdHist[i], hist[i]), `macd hist at ${i}`);
    }
  });

  it('refuses to advance a state that is still warming up', () => {
    const series = walkBars('WALK', 400, 4);
    const r = replayRecurrences(inputsOf(series), SEED_BARS - 1);
    assert.throws(() => advanceRecurrences(r, inputsOf(series), SEED_BARS - 1, 400, null), /expected >= 300/);
  });

  it("matches the kernel frame's last bar, and notices when it does not", () => {
    const series = fixtureBars('aapl-2013-2018');
    const n = series.close.length;
    const frame = new FrameBuffers().frame(n);
    frame.dates = series.dates;
    frame.close = series.close;
    frame.volume = series.volume;
    computeKernelFrame(series, frame);
    const r = replayRecurrences(frame, n);
    assert.equal(recurrencesMatchFrame(r, frame), true);
    r[R_SMA50] += 1e-12;
    assert.equal(recurrencesMatchFrame(r, frame), false);
  });
});
