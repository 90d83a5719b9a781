// biome-ignore-all lint/complexity/useMathMinMax: Math.max returns NaN for a NaN gap where TA-Lib's comparison skips it, and costs more here.
import { checkPeriod, checkSameLength, outputFor } from './kernel-guards.js';

/**
 * Average Directional Index (Wilder): trend strength regardless of direction, 0..100 (above ~25 is read
 * as a trending market).
 *
 * TA-Lib ADX: +DM_t = H_t - H_{t-1} and -DM_t = L_{t-1} - L_t, only the larger one counts and only when
 * positive; TR as in ATR. Smoothed +DM, -DM and TR start as plain sums over bars 1..period-1, then each bar
 * S = S - S/period + value (bars period..). From bar `period`, +DI = 100 * +DM/TR, -DI likewise,
 * DX = 100 * |+DI - -DI| / (+DI + -DI). The first ADX, at bar 2*period-1, is the sum of the DX of bars
 * period..2*period-1 divided by period; then ADX = (ADX * (period-1) + DX) / period. A bar whose smoothed TR
 * or DI sum is below 1e-14 (flat prices) adds no DX and leaves ADX unchanged, as in TA-Lib.
 * Periods 2..100000, as TA-Lib accepts.
 *
 * Missing values: a NaN high/low/close enters the smoothed TR, so ADX is NaN from the hole on, as TA-Lib
 * answers.
 *
 * Reference: https://github.com/TA-Lib/ta-lib/blob/main/src/ta_func/ta_ADX.c
 *
 * @param out optional buffer of the input's length, reused and returned; must not be an input column.
 */
export function adx(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out?: Float64Array,
): Float64Array {
  checkPeriod('adx: period', period, 2);
  const n = high.length;
  checkSameLength('adx', 'low', low, n);
  checkSameLength('adx', 'close', close, n);
  const o = outputFor('adx', 'out', out, n);
  const first = 2 * period - 1;
  if (first >= n) return o.fill(Number.NaN);
  o.fill(Number.NaN, 0, first);

  let prevHigh = high[0];
  let prevLow = low[0];
  let prevClose = close[0];
  let plusDM = 0;
  let minusDM = 0;
  let trSum = 0;
  // Bars 1..period-1: plain sums. The branches and comparison order are TA-Lib's, so NaN and ties match.
  for (let i = 1; i < period; i++) {
    const h = high[i];
    const l = low[i];
    const up = h - prevHigh;
    const down = prevLow - l;
    prevHigh = h;
    prevLow = l;
    if (down > 0 && up < down) minusDM += down;
    else if (up > 0 && up > down) plusDM += up;
    const range = h - l;
    const gapUp = Math.abs(h - prevClose);
    const gapDown = Math.abs(l - prevClose);
    let tr = gapUp > range ? gapUp : range;
    tr = gapDown > tr ? gapDown : tr;
    trSum += tr;
    prevClose = close[i];
  }
  // Bars period..2*period-1: Wilder smoothing, DX summed for the first ADX.
  let dxSum = 0;
  for (let i = period; i <= first; i++) {
    const h = high[i];
    const l = low[i];
    const up = h - prevHigh;
    const down = prevLow - l;
    prevHigh = h;
    prevLow = l;
    minusDM -= minusDM / period;
    plusDM -= plusDM / period;
    if (down > 0 && up < down) minusDM += down;
    else if (up > 0 && up > down) plusDM += up;
    const range = h - l;
    const gapUp = Math.abs(h - prevClose);
    const gapDown = Math.abs(l - prevClose);
    let tr = gapUp > range ? gapUp : range;
    tr = gapDown > tr ? gapDown : tr;
    trSum = trSum - trSum / period + tr;
    prevClose = close[i];
    if (!(trSum > -1e-14 && trSum < 1e-14)) {
      const minusDI = 100 * (minusDM / trSum);
      const plusDI = 100 * (plusDM / trSum);
      const diSum = minusDI + plusDI;
      if (!(diSum > -1e-14 && diSum < 1e-14)) dxSum += 100 * (Math.abs(minusDI - plusDI) / diSum);
    }
  }
  const keep = period - 1;
  let value = dxSum / period;
  o[first] = value;
  for (let i = first + 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const up = h - prevHigh;
    const down = prevLow - l;
    prevHigh = h;
    prevLow = l;
    minusDM -= minusDM / period;
    plusDM -= plusDM / period;
    if (down > 0 && up < down) minusDM += down;
    else if (up > 0 && up > down) plusDM += up;
    const range = h - l;
    const gapUp = Math.abs(h - prevClose);
    const gapDown = Math.abs(l - prevClose);
    let tr = gapUp > range ? gapUp : range;
    tr = gapDown > tr ? gapDown : tr;
    trSum = trSum - trSum / period + tr;
    prevClose = close[i];
    if (!(trSum > -1e-14 && trSum < 1e-14)) {
      const minusDI = 100 * (minusDM / trSum);
      const plusDI = 100 * (plusDM / trSum);
      const diSum = minusDI + plusDI;
      if (!(diSum > -1e-14 && diSum < 1e-14)) {
        value = (value * keep + 100 * (Math.abs(minusDI - plusDI) / diSum)) / period;
      }
    }
    o[i] = value;
  }
  return o;
}
