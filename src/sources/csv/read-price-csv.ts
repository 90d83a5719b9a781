import type { BarSeries } from '../../domain/bar-series.js';
import { InvalidSymbolError, normalizeSymbol } from '../../domain/symbol.js';
import { BarSeriesBuilder } from './bar-series-builder.js';
import { type CsvRejectCode, newRowValues, validateCsvRow } from './csv-row-validator.js';
import { fieldEquals, fieldText, newRowView, scanPlainRow, viewFromQuotedLine } from './csv-row-view.js';
import { type CsvFormat, detectCsvFormat, stooqSymbol } from './detect-csv-format.js';
import { hasUnclosedQuote } from './parse-csv-line.js';
import { FileReadError, readLineBatches } from './read-line-batches.js';

/** A run of consecutive rows of one ticker, validated and sorted by date. */
export interface PriceCsvBlock {
  symbol: string;
  series: BarSeries;
  /** True when the ticker already had a block earlier in the same file (a file not ordered by ticker). */
  reappeared: boolean;
}

/** A row that was not stored, with where it was and why. */
export interface PriceCsvReject {
  line: number;
  symbol: string | null;
  code: CsvRejectCode;
  detail: string;
  raw: string;
}

export interface ReadPriceCsvOptions {
  onFormat?(format: CsvFormat): void;
  onReject(reject: PriceCsvReject): void;
  /** A row that is fine but not daily (Stooq bulk intraday rows): left out, not an error. */
  onSkip?(line: number): void;
}

const RAW_MAX = 300;

/**
 * Reads a price file of any known format and yields one block per run of a ticker's rows, so a 600k-row
 * multi-ticker file never sits in memory whole. Bad rows go to `onReject` and reading carries on; a file
 * that cannot be read to its end (missing, unknown header, cut-short gzip) throws FileReadError or
 * UnknownCsvHeaderError after yielding the tickers read whole before the problem; the ticker the file was
 * cut in is not yielded (its history would pass for complete) and the error names it.
 */
export async function* readPriceCsv(path: string, opts: ReadPriceCsvOptions): AsyncGenerator<PriceCsvBlock> {
  let format: CsvFormat | null = null;
  let lineNo = 0;
  const values = newRowValues();
  const row = newRowView();
  let builder: BarSeriesBuilder | null = null;
  let currentRaw: string | null = null;
  let badSymbol: string | null = null;
  // Dates already yielded per ticker in this file: a ticker that comes back must not repeat them.
  const earlier = new Map<string, Int32Array>();

  const reject = (code: CsvRejectCode, detail: string, raw: string) =>
    opts.onReject({ line: lineNo, symbol: builder?.symbol ?? null, code, detail, raw: raw.slice(0, RAW_MAX) });

  const finish = (): PriceCsvBlock | null => {
    const b = builder;
    builder = null;
    if (!b || b.length === 0) return null;
    const series = b.build();
    const before = earlier.get(b.symbol);
    earlier.set(b.symbol, before ? mergeSorted(before, series.dates) : series.dates.slice());
    return { symbol: b.symbol, series, reappeared: before !== undefined };
  };

  const start = (raw: string, f: CsvFormat): void => {
    currentRaw = raw;
    badSymbol = null;
    try {
      const symbol = normalizeSymbol(f.kind === 'stooq-bulk' ? stooqSymbol(raw) : raw);
      builder = new BarSeriesBuilder(symbol, earlier.get(symbol) ?? null);
    } catch (error) {
      if (!(error instanceof InvalidSymbolError)) throw error;
      badSymbol = raw;
    }
  };

  try {
    for await (const lines of readLineBatches(path)) {
      for (const line of lines) {
        lineNo++;
        if (format === null) {
          if (line.trim() === '') continue;
          format = detectCsvFormat(line, path);
          opts.onFormat?.(format);
          if (format.fileSymbol !== null) {
            start(format.fileSymbol, format);
            if (badSymbol !== null) {
              throw new FileReadError(
                path,
                `cannot tell the ticker from the file name: "${badSymbol}" is not a valid symbol (name one-ticker files like AAPL.csv)`,
                lineNo,
              );
            }
          }
          continue;
        }
        if (line === '') continue;
        if (!scanPlainRow(line, row)) {
          if (hasUnclosedQuote(line)) {
            reject('malformed-row', 'a quoted field is not closed', line);
            continue;
          }
          viewFromQuotedLine(line, row);
        }
        if (row.count < format.minFields) {
          if (line.trim() === '') continue;
          reject('malformed-row', `${row.count} fields, expected at least ${format.minFields}`, line);
          continue;
        }
        const c = format.columns;
        if (
          c.period !== -1 &&
          !fieldEquals(row, c.period, 'D') &&
          fieldText(row, c.period).trim().toUpperCase() !== 'D'
        ) {
          opts.onSkip?.(lineNo);
          continue;
        }
        if (c.symbol !== -1 && (currentRaw === null || !fieldEquals(row, c.symbol, currentRaw))) {
          const done = finish();
          if (done) yield done;
          start(fieldText(row, c.symbol), format);
        }
        if (badSymbol !== null) {
          opts.onReject({
            line: lineNo,
            symbol: null,
            code: 'bad-symbol',
            detail: `ticker "${badSymbol}" is not a valid symbol`,
            raw: line.slice(0, RAW_MAX),
          });
          continue;
        }
        const b = builder as BarSeriesBuilder | null;
        if (!b) continue;
        const bad = validateCsvRow(row, format, values);
        if (bad) {
          reject(bad.code, bad.detail, line);
          continue;
        }
        if (b.has(values.date)) {
          reject(
            'duplicate-date',
            `date ${fieldText(row, c.date).trim()} already read for ${b.symbol}; the first row is kept`,
            line,
          );
          continue;
        }
        b.push(values);
      }
    }
  } catch (error) {
    const cut = builder as BarSeriesBuilder | null;
    builder = null;
    if (error instanceof FileReadError && cut !== null && cut.length > 0) {
      throw new FileReadError(
        path,
        `${error.message.slice(path.length + 2)}; the file was cut inside ${cut.symbol}, whose ${cut.length} rows read are not stored`,
        error.linesRead,
      );
    }
    throw error;
  }
  if (format === null) throw new FileReadError(path, 'file is empty (expected a header line)', lineNo);
  const done = finish();
  if (done) yield done;
}

function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out.sort();
}
