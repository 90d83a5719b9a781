import type { ChartResponse } from './yahoo-chart-schema.js';

/**
 * True only for a chart response that `chartResponseSchema` accepts, checked by hand: a daily update's
 * answer holds a handful of bars, and walking zod's object schemas cost more CPU than everything else done
 * with it. It is a sufficient check, never a replacement: anything it does not recognise (a wrong type, a
 * missing field, an unusual value) returns false, and the schema then decides and names the problem. Unknown
 * keys are allowed, as the schema ignores them; only the fields the schema describes are read afterwards.
 */
export function isPlainChartResponse(data: unknown): data is ChartResponse {
  if (!isObject(data)) return false;
  const chart = data.chart;
  if (!isObject(chart)) return false;
  const { result, error } = chart;
  if (error === null) {
    // A result is expected below.
  } else if (!isObject(error) || typeof error.code !== 'string' || !isNullishString(error.description)) {
    return false;
  }
  if (result === null) return true;
  if (!Array.isArray(result)) return false;
  for (const r of result) if (!isPlainChartResult(r)) return false;
  return true;
}

function isPlainChartResult(r: unknown): boolean {
  if (!isObject(r)) return false;
  const meta = r.meta;
  if (!isObject(meta)) return false;
  if (meta.symbol !== undefined && typeof meta.symbol !== 'string') return false;
  if (typeof meta.exchangeTimezoneName !== 'string' || meta.exchangeTimezoneName.length === 0) return false;
  for (const key of NULLISH_META_STRINGS) if (!isNullishString(meta[key])) return false;
  if (meta.gmtoffset !== undefined && meta.gmtoffset !== null && !Number.isFinite(meta.gmtoffset)) return false;
  if (r.timestamp !== undefined && !isNumberColumn(r.timestamp, false)) return false;
  if (r.events !== undefined) {
    const events = r.events;
    if (!isObject(events)) return false;
    if (events.dividends !== undefined && !isRecordOf(events.dividends, isDividend)) return false;
    if (events.splits !== undefined && !isRecordOf(events.splits, isSplit)) return false;
  }
  const indicators = r.indicators;
  if (!isObject(indicators)) return false;
  const quote = indicators.quote;
  if (!Array.isArray(quote) || quote.length === 0) return false;
  for (const q of quote) {
    if (!isObject(q)) return false;
    for (const key of QUOTE_COLUMNS) if (q[key] !== undefined && !isNumberColumn(q[key], true)) return false;
  }
  const adjclose = indicators.adjclose;
  if (adjclose !== undefined) {
    if (!Array.isArray(adjclose)) return false;
    for (const a of adjclose) {
      if (!isObject(a)) return false;
      if (a.adjclose !== undefined && !isNumberColumn(a.adjclose, true)) return false;
    }
  }
  return true;
}

const NULLISH_META_STRINGS = [
  'currency',
  'exchangeName',
  'fullExchangeName',
  'instrumentType',
  'longName',
  'shortName',
] as const;
const QUOTE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullishString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function isNumberColumn(value: unknown, nullable: boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x === 'number' ? !Number.isFinite(x) : !(x === null && nullable)) return false;
  }
  return true;
}

function isRecordOf(value: unknown, isEntry: (entry: Record<string, unknown>) => boolean): boolean {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const entry of Object.values(value)) if (!isObject(entry) || !isEntry(entry)) return false;
  return true;
}

function isDividend(d: Record<string, unknown>): boolean {
  return Number.isFinite(d.amount) && Number.isFinite(d.date);
}

function isSplit(s: Record<string, unknown>): boolean {
  return (
    Number.isFinite(s.date) &&
    Number.isFinite(s.numerator) &&
    Number.isFinite(s.denominator) &&
    (s.splitRatio === undefined || typeof s.splitRatio === 'string')
  );
}
