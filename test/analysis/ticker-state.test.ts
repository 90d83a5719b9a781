import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECURRENCE_SLOTS } from '../../src/analysis/indicator-recurrences.js';
import {
  decodeTickerState,
  encodeTickerState,
  squeezeBandwidths,
  type TickerState,
  windowHash,
} from '../../src/analysis/ticker-state.js';
import { fixtureBars, sliceBars } from './bar-series-fixtures.js';

describe('ticker state', () => {
  it('keeps only the bandwidths that can still be a window low, NaN where missing', () => {
    const bw = Float64Array.from({ length: 130 }, (_, i) => 100 - i);
    bw[128] = Number.NaN;
    bw[129] = 50;
    const kept = squeezeBandwidths(bw, 130);
    // The last 126 bars are 4..129: falling values, a hole at 128, then 50 hides everything at or above it.
    assert.equal(kept.length, 126);
    assert.equal(kept[125], 50);
    assert.ok(Number.isNaN(kept[124]));
    assert.equal(kept[123], 100 - 127, 'lower than the 50 after it');
    assert.equal(kept[0], Number.POSITIVE_INFINITY, 'hidden by a later, lower value');
    for (let k = 0; k < 126; k++) {
      const window = [...bw.subarray(4 + k, 130)].filter((v) => !Number.isNaN(v));
      const virtual = [...kept.subarray(k)].filter((v) => !Number.isNaN(v));
      assert.equal(Math.min(...virtual), Math.min(...window), `lowest from bar ${4 + k} on`);
    }
  });

  it('encodes and decodes every field, and refuses bytes of another format', () => {
    const recurrences = Float64Array.from({ length: RECURRENCE_SLOTS }, (_, i) => i * 1.5);
    const bandwidths = new Float64Array(126).fill(Number.POSITIVE_INFINITY);
    bandwidths[125] = 3.25;
    bandwidths[7] = Number.NaN;
    const state: TickerState = {
      bars: 1259,
      firstDate: 15_000,
      lastDate: 17_569,
      windowStart: 17_150,
      windowLength: 300,
      hash: 123_456,
      hash2: 4_000_000_000,
      resumable: true,
      epoch: 2,
      prevMacdHist: -0.125,
      recurrences,
      bandwidths,
    };
    const bytes = encodeTickerState(state);
    assert.ok(bytes.byteLength < 400, `a compact state, got ${bytes.byteLength} bytes`);
    const back = decodeTickerState(bytes);
    assert.deepEqual(back, state);
    const shifted = new Uint8Array(bytes.byteLength + 3).subarray(3);
    shifted.set(bytes);
    assert.deepEqual(decodeTickerState(shifted), state, 'unaligned bytes decode too');
    const other = bytes.slice();
    new Float64Array(other.buffer)[0] = 99;
    assert.equal(decodeTickerState(other), null);
    assert.equal(decodeTickerState(null), null);
  });

  it('fingerprints the analysed fields of the bars: a changed close or volume changes it, the open does not', () => {
    const s = sliceBars(fixtureBars('aapl-2013-2018'), 0, 300);
    const base = windowHash(s, 0, 300);
    assert.deepEqual(windowHash(s, 0, 300), base);
    s.open[10] += 1;
    assert.deepEqual(windowHash(s, 0, 300), base);
    const close = s.close[10];
    s.close[10] += 0.01;
    assert.notDeepEqual(windowHash(s, 0, 300), base);
    s.close[10] = close;
    assert.deepEqual(windowHash(s, 0, 300), base);
    s.volume[299] += 1;
    assert.notDeepEqual(windowHash(s, 0, 300), base);
  });
});
