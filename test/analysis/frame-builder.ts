import { FRAME_FLOAT_FIELDS, type IndicatorFrame } from '../../src/analysis/indicator-frame.js';

type FloatField = (typeof FRAME_FLOAT_FIELDS)[number];

/**
 * A hand-made frame of `n` bars on consecutive days from `firstDay`: every indicator NaN (warming up)
 * unless given. Columns may be shorter than n; the rest stays NaN.
 */
export function frameOf(
  n: number,
  columns: Partial<Record<FloatField, readonly number[]>>,
  firstDay = 17_000,
): IndicatorFrame {
  const frame = { length: n, dates: Int32Array.from({ length: n }, (_, i) => firstDay + i) } as IndicatorFrame;
  for (const f of FRAME_FLOAT_FIELDS) {
    const a = new Float64Array(n).fill(Number.NaN);
    const given = columns[f];
    if (given) a.set(given);
    frame[f] = a;
  }
  return frame;
}
