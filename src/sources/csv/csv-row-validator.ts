import { type CsvRowView, fieldIsBlank, fieldNumber, fieldText } from './csv-row-view.js';
import type { CsvFormat } from './detect-csv-format.js';
import { parseCompactDay, parseIsoDay } from './parse-price-date.js';

/** Why a row was not stored; the code is what import summaries count by. */
export type CsvRejectCode =
  | 'malformed-row'
  | 'bad-symbol'
  | 'bad-date'
  | 'empty-field'
  | 'non-numeric'
  | 'non-positive-price'
  | 'negative-volume'
  | 'high-below-low'
  | 'duplicate-date';

export interface CsvRowReject {
  code: CsvRejectCode;
  detail: string;
}

/** One row's values; reused across rows so the hot loop allocates nothing per accepted row. */
export interface CsvRowValues {
  date: number;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
}

export function newRowValues(): CsvRowValues {
  return { date: 0, open: 0, high: 0, low: 0, close: 0, adjClose: 0, volume: 0 };
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/**
 * Checks one row and fills `out`. Returns null when the row can be stored, else why not.
 * A row is refused when a bar built from it would be wrong rather than merely odd: a missing or non-numeric
 * price (the 11 Kaggle rows with empty open/high/low are refused, not kept with NaN, because a NaN in the
 * middle of a series poisons every moving average after it), a zero or negative price, high below low,
 * or a date that is not a calendar date. Odd-but-possible rows (high not covering open/close, volume 0)
 * are stored and flagged later from the series.
 */
export function validateCsvRow(row: CsvRowView, format: CsvFormat, out: CsvRowValues): CsvRowReject | null {
  const c = format.columns;
  if (row.count < format.minFields) {
    return { code: 'malformed-row', detail: `${row.count} fields, expected at least ${format.minFields}` };
  }
  let date =
    format.dateStyle === 'iso'
      ? parseIsoDay(row.text, row.starts[c.date], row.ends[c.date])
      : parseCompactDay(row.text, row.starts[c.date], row.ends[c.date]);
  if (Number.isNaN(date)) {
    // Rare: a date padded with spaces.
    const trimmed = fieldText(row, c.date).trim();
    date = format.dateStyle === 'iso' ? parseIsoDay(trimmed) : parseCompactDay(trimmed);
    if (Number.isNaN(date)) {
      const want = format.dateStyle === 'iso' ? 'YYYY-MM-DD' : 'YYYYMMDD';
      return { code: 'bad-date', detail: `date "${trimmed}" is not a calendar date of the form ${want}` };
    }
  }
  out.date = date;

  let empty: string[] | null = null;
  for (const name of PRICE_FIELDS) {
    const i = c[name];
    const v = fieldNumber(row, i);
    if (Number.isFinite(v)) {
      out[name] = v;
      continue;
    }
    if (fieldIsBlank(row, i)) (empty ??= []).push(name);
    else return { code: 'non-numeric', detail: `${name} "${fieldText(row, i)}" is not a number` };
  }
  if (c.volume === -1) out.volume = Number.NaN;
  else {
    const v = fieldNumber(row, c.volume);
    if (!Number.isFinite(v)) {
      if (fieldIsBlank(row, c.volume)) (empty ??= []).push('volume');
      else return { code: 'non-numeric', detail: `volume "${fieldText(row, c.volume)}" is not a number` };
    } else if (v < 0) return { code: 'negative-volume', detail: `volume ${v} is negative` };
    else out.volume = v;
  }
  if (empty) return { code: 'empty-field', detail: `${empty.join(', ')} empty (expected a number)` };

  // Adjusted close is optional information: an empty or odd cell keeps the bar with adjClose NaN.
  if (c.adjClose === -1) out.adjClose = Number.NaN;
  else {
    const v = fieldNumber(row, c.adjClose);
    out.adjClose = Number.isFinite(v) && v > 0 ? v : Number.NaN;
  }

  for (const name of PRICE_FIELDS) {
    if (out[name] <= 0) return { code: 'non-positive-price', detail: `${name} ${out[name]} is not above 0` };
  }
  if (out.high < out.low) return { code: 'high-below-low', detail: `high ${out.high} is below low ${out.low}` };
  return null;
}
