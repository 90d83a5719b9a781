import { basename } from 'node:path';
import { printableText } from '../../domain/printable-text.js';

/** The price-file layouts marketdeck reads (see docs: "CSV files people already have"). */
export type CsvFormatKind = 'kaggle' | 'yahoo' | 'stooq' | 'stooq-bulk';

/** Where each field sits in a row of a detected file; -1 when the file has no such column. */
export interface CsvFormat {
  kind: CsvFormatKind;
  columns: {
    symbol: number;
    period: number;
    date: number;
    open: number;
    high: number;
    low: number;
    close: number;
    adjClose: number;
    volume: number;
  };
  /** Fields a row must have to reach every used column. */
  minFields: number;
  dateStyle: 'iso' | 'compact';
  /** The ticker of a one-symbol file, read from its name; null when every row names its own. */
  fileSymbol: string | null;
}

/** The headers accepted, shown in the error for a file whose header is none of them. */
export const EXPECTED_HEADERS: readonly string[] = [
  'date,open,high,low,close,volume,Name  (Kaggle "S&P 500 stock data", many tickers in one file)',
  'Date,Open,High,Low,Close,Adj Close,Volume  (Yahoo download, ticker from the file name)',
  'Date,Open,High,Low,Close,Volume  (Stooq per symbol, ticker from the file name)',
  '<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>,<OPENINT>  (Stooq bulk)',
];

export class UnknownCsvHeaderError extends Error {
  constructor(
    readonly file: string,
    readonly header: string,
  ) {
    // A binary file's first "line" is raw bytes: it is described, never echoed to the terminal.
    super(
      looksBinary(header)
        ? `${file}: not a text file (its first bytes are binary data); expected a CSV price file`
        : `${file}: header "${printableText(header, 200)}" is not a known price-file header; expected one of:\n  ${EXPECTED_HEADERS.join('\n  ')}`,
    );
    this.name = 'UnknownCsvHeaderError';
  }
}

/** Header words -> canonical column name. Matching ignores case, spaces, underscores and Stooq's <>. */
const HEADER_ALIASES: Record<string, keyof CsvFormat['columns']> = {
  date: 'date',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  adjclose: 'adjClose',
  volume: 'volume',
  vol: 'volume',
  name: 'symbol',
  ticker: 'symbol',
  symbol: 'symbol',
  per: 'period',
};

/**
 * Recognises a price file from its header line (and, for one-symbol files, reads the ticker from its name).
 * Columns are found by name, so a file with the usual columns in another order still reads.
 * Throws UnknownCsvHeaderError naming the file and the headers expected.
 */
export function detectCsvFormat(headerLine: string, filePath: string): CsvFormat {
  const names = headerLine
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) =>
      h
        .trim()
        .replace(/^"|"$/g, '')
        .replace(/[<>\s_]/g, '')
        .toLowerCase(),
    );
  const columns: CsvFormat['columns'] = {
    symbol: -1,
    period: -1,
    date: -1,
    open: -1,
    high: -1,
    low: -1,
    close: -1,
    adjClose: -1,
    volume: -1,
  };
  names.forEach((name, i) => {
    const key = HEADER_ALIASES[name];
    if (key && columns[key] === -1) columns[key] = i;
  });
  const required = [columns.date, columns.open, columns.high, columns.low, columns.close];
  if (required.some((i) => i === -1)) throw new UnknownCsvHeaderError(filePath, headerLine.trim());

  const isStooqBulk = columns.period !== -1 || headerLine.includes('<');
  const kind: CsvFormatKind = isStooqBulk
    ? 'stooq-bulk'
    : columns.symbol !== -1
      ? 'kaggle'
      : columns.adjClose !== -1
        ? 'yahoo'
        : 'stooq';
  if (kind === 'stooq-bulk' && columns.symbol === -1) throw new UnknownCsvHeaderError(filePath, headerLine.trim());
  const used = Object.values(columns).filter((i) => i >= 0);
  return {
    kind,
    columns,
    minFields: Math.max(...used) + 1,
    dateStyle: kind === 'stooq-bulk' ? 'compact' : 'iso',
    fileSymbol: columns.symbol === -1 ? symbolFromFileName(filePath) : null,
  };
}

/** Exchange suffixes Stooq appends to a ticker, as the symbol marketdeck stores (US listings carry none). */
const STOOQ_SUFFIXES: Record<string, string> = { us: '', uk: '.L', de: '.DE', jp: '.T', hk: '.HK' };

/**
 * The ticker a one-symbol file holds, from its name: `AAPL.csv.gz` -> AAPL, `BRK.B.csv` -> BRK.B,
 * `aapl.us.txt` -> AAPL (Stooq). Not yet normalised: the row validator checks it like any symbol.
 */
export function symbolFromFileName(filePath: string): string {
  const name = basename(filePath)
    .replace(/\.gz$/i, '')
    .replace(/\.(csv|txt)$/i, '');
  return stooqSymbol(name);
}

/** `aapl.us` / `AAPL.US` -> AAPL, `vod.uk` -> VOD.L; anything else upper-cased as it is. */
export function stooqSymbol(raw: string): string {
  const dot = raw.lastIndexOf('.');
  if (dot > 0) {
    const suffix = raw.slice(dot + 1).toLowerCase();
    const mapped = STOOQ_SUFFIXES[suffix];
    // Stooq writes `aapl.us` in file names and `AAPL.US` inside bulk files; a share class (BRK.B) is no suffix.
    if (mapped !== undefined) return raw.slice(0, dot).toUpperCase() + mapped;
  }
  return raw.toUpperCase();
}

/** NUL bytes, invalid UTF-8 or control characters other than tab and CR: not a CSV header anyone wrote. */
function looksBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}
