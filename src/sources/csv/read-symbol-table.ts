import { stat } from 'node:fs/promises';
import { InvalidSymbolError, normalizeSymbol } from '../../domain/symbol.js';
import { parseCsvLine } from './parse-csv-line.js';
import { readLineBatches } from './read-line-batches.js';

/** One row of a symbol list: the S&P 500 constituents CSV, a sector file, or a plain list of tickers. */
export interface SymbolTableRow {
  symbol: string;
  name: string | null;
  sector: string | null;
  /** Industry (GICS sub-industry in the S&P lists), where the file has such a column. */
  industry: string | null;
  /** 1-based line in the file, for messages. */
  line: number;
}

/** A symbol list that cannot be used, naming the file and line. */
export class SymbolTableError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    // Line 0: the file as a whole (not a regular file, too large).
    super(`${line > 0 ? `${file}:${line}` : file}: ${message}`);
    this.name = 'SymbolTableError';
  }
}

/**
 * Bounds of a symbol list: every listing of every exchange together is well under 1 MB and 200,000 rows, so
 * anything larger, or slower to read, is not a symbol list (a device, a log, a decompression bomb).
 */
const MAX_SYMBOL_FILE_BYTES = 64 * 1024 * 1024;
const MAX_SYMBOL_ROWS = 1_000_000;
const SYMBOL_FILE_TIMEOUT_MS = 30_000;

const SYMBOL_HEADERS = ['symbol', 'ticker', 'act symbol'];
const NAME_HEADERS = ['name', 'security', 'company name', 'security name'];
const SECTOR_HEADERS = ['sector', 'gics sector'];
const INDUSTRY_HEADERS = ['industry', 'gics sub-industry', 'sub-industry'];

/**
 * Reads a list of tickers: either a CSV whose header has a Symbol column (with optional Name/Security and
 * Sector/GICS Sector columns, as the S&P 500 constituents files have), or one symbol a line. Blank lines
 * and lines starting with # are ignored; a later duplicate is dropped. Plain or gzip.
 * Throws SymbolTableError naming file:line for a bad symbol or a CSV without a symbol column; the message
 * never quotes the file's content (a file named by mistake may hold secrets). Only a regular file is read,
 * and no more than MAX_SYMBOL_FILE_BYTES of text or SYMBOL_FILE_TIMEOUT_MS of reading.
 */
export async function readSymbolTable(path: string): Promise<SymbolTableRow[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new SymbolTableError(path, 0, `${why}; expected a readable symbol list`);
  }
  if (!info.isFile()) throw new SymbolTableError(path, 0, 'is not a regular file; expected a symbol list');
  if (info.size > MAX_SYMBOL_FILE_BYTES) {
    throw new SymbolTableError(path, 0, `is ${info.size} bytes; a symbol list is at most ${MAX_SYMBOL_FILE_BYTES}`);
  }
  const deadline = performance.now() + SYMBOL_FILE_TIMEOUT_MS;
  let chars = 0;
  const rows: SymbolTableRow[] = [];
  const seen = new Set<string>();
  let lineNo = 0;
  let cols: { symbol: number; name: number; sector: number; industry: number } | null = null;
  let decided = false;
  for await (const lines of readLineBatches(path)) {
    if (performance.now() > deadline) {
      throw new SymbolTableError(
        path,
        lineNo,
        `took longer than ${SYMBOL_FILE_TIMEOUT_MS} ms to read; not a symbol list`,
      );
    }
    if (lineNo + lines.length > MAX_SYMBOL_ROWS) {
      throw new SymbolTableError(path, lineNo, `has more than ${MAX_SYMBOL_ROWS} lines; not a symbol list`);
    }
    for (const raw of lines) {
      lineNo++;
      chars += raw.length;
      if (chars > MAX_SYMBOL_FILE_BYTES) {
        throw new SymbolTableError(
          path,
          lineNo,
          `holds more than ${MAX_SYMBOL_FILE_BYTES} characters; not a symbol list`,
        );
      }
      const line = raw.replace(/^\uFEFF/, '').trim();
      if (line === '' || line.startsWith('#')) continue;
      if (!decided) {
        decided = true;
        const header = parseCsvLine(line).map((h) => h.trim().toLowerCase());
        if (header.length > 1 || SYMBOL_HEADERS.includes(header[0])) {
          const find = (names: string[]) => header.findIndex((h) => names.includes(h));
          const symbol = find(SYMBOL_HEADERS);
          const name = find(NAME_HEADERS);
          if (symbol === -1) {
            throw new SymbolTableError(
              path,
              lineNo,
              `no Symbol column in the header (${header.length} columns); expected a Symbol (or Ticker) column, or one symbol a line`,
            );
          }
          cols = { symbol, name, sector: find(SECTOR_HEADERS), industry: find(INDUSTRY_HEADERS) };
          continue;
        }
      }
      const fields = cols ? parseCsvLine(line) : [line];
      const text = (fields[cols?.symbol ?? 0] ?? '').trim();
      let symbol: string;
      try {
        symbol = normalizeSymbol(text);
      } catch (error) {
        if (error instanceof InvalidSymbolError) {
          throw new SymbolTableError(
            path,
            lineNo,
            `not a ticker symbol (${text.length} characters); expected 1-20 characters of A-Z, 0-9 and . - = ^ &`,
          );
        }
        throw error;
      }
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      const cell = (i: number | undefined) => (i === undefined || i < 0 ? null : fields[i]?.trim() || null);
      rows.push({
        symbol,
        name: cell(cols?.name),
        sector: cell(cols?.sector),
        industry: cell(cols?.industry),
        line: lineNo,
      });
    }
  }
  return rows;
}
