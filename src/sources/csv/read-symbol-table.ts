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
    super(`${file}:${line}: ${message}`);
    this.name = 'SymbolTableError';
  }
}

const SYMBOL_HEADERS = ['symbol', 'ticker', 'act symbol'];
const NAME_HEADERS = ['name', 'security', 'company name', 'security name'];
const SECTOR_HEADERS = ['sector', 'gics sector'];
const INDUSTRY_HEADERS = ['industry', 'gics sub-industry', 'sub-industry'];

/**
 * Reads a list of tickers: either a CSV whose header has a Symbol column (with optional Name/Security and
 * Sector/GICS Sector columns, as the S&P 500 constituents files have), or one symbol a line. Blank lines
 * and lines starting with # are ignored; a later duplicate is dropped. Plain or gzip.
 * Throws SymbolTableError naming file:line for a bad symbol or a CSV without a symbol column.
 */
export async function readSymbolTable(path: string): Promise<SymbolTableRow[]> {
  const rows: SymbolTableRow[] = [];
  const seen = new Set<string>();
  let lineNo = 0;
  let cols: { symbol: number; name: number; sector: number; industry: number } | null = null;
  let decided = false;
  for await (const lines of readLineBatches(path)) {
    for (const raw of lines) {
      lineNo++;
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
              `no Symbol column in header "${line}"; expected a Symbol (or Ticker) column, or one symbol a line`,
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
        if (error instanceof InvalidSymbolError) throw new SymbolTableError(path, lineNo, error.message);
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
