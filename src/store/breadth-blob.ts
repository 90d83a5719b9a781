import { lowerBound } from '../domain/bar-series.js';
import { BREADTH_FIELDS, type BreadthSeries } from '../domain/breadth-series.js';
import { bufferToFloat64, bufferToInt32, typedArrayToBuffer } from './bar-codec.js';
import type { DateRange } from './store.js';

/**
 * One scope's breadth series as every adapter stores it: dates as Int32 LE, every field a Float64 LE column
 * placed end to end in `data`, their names (in that order) in `fields` as JSON, so a later field list still
 * reads an older row.
 */
export interface BreadthRow {
  n: number;
  firstDate: number | null;
  lastDate: number | null;
  dates: Buffer;
  fields: string;
  data: Buffer;
}

export function encodeBreadthRow(universe: string, s: BreadthSeries): BreadthRow {
  const n = s.dates.length;
  const data = new Float64Array(n * BREADTH_FIELDS.length);
  BREADTH_FIELDS.forEach((name, f) => {
    const column = s[name];
    if (column.length !== n) {
      throw new RangeError(`breadth ${universe}/${s.scope} field ${name} has ${column.length} values, expected ${n}`);
    }
    data.set(column, f * n);
  });
  return {
    n,
    firstDate: n > 0 ? s.dates[0] : null,
    lastDate: n > 0 ? s.dates[n - 1] : null,
    dates: typedArrayToBuffer(s.dates),
    fields: JSON.stringify(BREADTH_FIELDS),
    data: typedArrayToBuffer(data),
  };
}

/** The stored row's series within `range`; a field the row lacks is NaN throughout. */
export function decodeBreadthRow(
  scope: string,
  row: Pick<BreadthRow, 'n' | 'dates' | 'fields' | 'data'>,
  range?: DateRange,
): BreadthSeries {
  const dates = bufferToInt32(row.dates, row.n).slice();
  const fields = JSON.parse(row.fields) as string[];
  const data = bufferToFloat64(row.data, row.n * fields.length);
  const from = range?.from === undefined ? 0 : lowerBound(dates, range.from);
  const to = range?.to === undefined ? row.n : lowerBound(dates, range.to + 1);
  const series = { scope, dates: dates.slice(from, Math.max(from, to)) } as BreadthSeries;
  const record = series as unknown as Record<string, Float64Array>;
  for (const name of BREADTH_FIELDS) {
    const f = fields.indexOf(name);
    const column = new Float64Array(series.dates.length);
    if (f >= 0) column.set(data.subarray(f * row.n + from, f * row.n + from + column.length));
    else column.fill(Number.NaN);
    record[name] = column;
  }
  return series;
}
