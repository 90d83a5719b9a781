import type Database from 'better-sqlite3';
import type { Dividend, Split } from '../../domain/ticker.js';

/** Column order of every chunk SELECT below; rows are read raw (arrays) to avoid an object per row. */
const CHUNK_COLUMNS = 'b.n, b.data';
export type ChunkRow = [number, Buffer];
export type YearChunkRow = [number, ...ChunkRow];
/** [part (0 = year row, 1 = tail), year, n, data]: year rows ascending, then the tail. */
export type PartChunkRow = [number, ...YearChunkRow];
export type SymbolChunkRow = [string, ...ChunkRow];

export interface TickerBarsRow {
  id: number;
  bar_count: number;
  bar_version: number;
  first_date: number | null;
  last_date: number | null;
}

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

export interface BarStatements {
  ticker: Stmt<[string], TickerBarsRow>;
  insertTicker: Stmt<[string]>;
  updateTicker: Stmt<[number, number, number | null, number | null, number]>;
  yearChunks: Stmt<[number, number, number], YearChunkRow>;
  putChunk: Stmt<[number, number, number, Buffer]>;
  deleteChunk: Stmt<[number, number]>;
  tail: Stmt<[number], ChunkRow>;
  putTail: Stmt<[number, number, Buffer]>;
  deleteTail: Stmt<[number]>;
  readOne: Stmt<[string, number, number, string], PartChunkRow>;
  readBatchTails: Stmt<[string, string], SymbolChunkRow>;
  batchSymbols: Stmt<[string, number], string>;
  readBatch: Stmt<[string, string], SymbolChunkRow>;
  versions: Stmt<[], [string, number]>;
  putDividend: Stmt<[number, number, number]>;
  putSplit: Stmt<[number, number, number, number]>;
  dividends: Stmt<[string, number, number], Dividend>;
  splits: Stmt<[string, number, number], Split>;
  stats: Stmt<[], { tickers: number; bars: number; first: number | null; last: number | null }>;
  deleteBars: Stmt<[number]>;
  deleteDividends: Stmt<[number]>;
  deleteSplits: Stmt<[number]>;
}

/** Every statement the bar repository runs, prepared once per connection and reused for each ticker. */
export function prepareBarStatements(db: Database.Database): BarStatements {
  return {
    ticker: db.prepare<[string], TickerBarsRow>(
      'SELECT id, bar_count, bar_version, first_date, last_date FROM tickers WHERE symbol = ?',
    ),
    insertTicker: db.prepare<[string]>('INSERT INTO tickers (symbol) VALUES (?)'),
    updateTicker: db.prepare<[number, number, number | null, number | null, number]>(
      'UPDATE tickers SET bar_count = ?, bar_version = ?, first_date = ?, last_date = ? WHERE id = ?',
    ),
    yearChunks: db
      .prepare<[number, number, number], YearChunkRow>(
        `SELECT b.year, ${CHUNK_COLUMNS} FROM bars b WHERE b.ticker_id = ? AND b.year BETWEEN ? AND ? ORDER BY b.year`,
      )
      .raw(),
    putChunk: db.prepare<[number, number, number, Buffer]>(`
      INSERT INTO bars (ticker_id, year, n, data) VALUES (?, ?, ?, ?)
      ON CONFLICT (ticker_id, year) DO UPDATE SET n = excluded.n, data = excluded.data`),
    deleteChunk: db.prepare<[number, number]>('DELETE FROM bars WHERE ticker_id = ? AND year = ?'),
    tail: db.prepare<[number], ChunkRow>('SELECT n, data FROM bar_tail WHERE ticker_id = ?').raw(),
    putTail: db.prepare<[number, number, Buffer]>(`
      INSERT INTO bar_tail (ticker_id, n, data) VALUES (?, ?, ?)
      ON CONFLICT (ticker_id) DO UPDATE SET n = excluded.n, data = excluded.data`),
    deleteTail: db.prepare<[number]>('DELETE FROM bar_tail WHERE ticker_id = ?'),
    // Year rows and tail are read by one statement, so from one snapshot: a writer folding the tail in
    // between two reads would otherwise make a bar appear twice or not at all. One statement needs no
    // BEGIN/COMMIT of its own, which the planner's read of every ticker's last bar would pay each time.
    readOne: db
      .prepare<[string, number, number, string], PartChunkRow>(
        `SELECT 0, b.year, b.n, b.data FROM tickers t CROSS JOIN bars b ON b.ticker_id = t.id
         WHERE t.symbol = ? AND b.year BETWEEN ? AND ?
         UNION ALL
         SELECT 1, 0, x.n, x.data FROM tickers t CROSS JOIN bar_tail x ON x.ticker_id = t.id WHERE t.symbol = ?
         ORDER BY 1, 2`,
      )
      .raw(),
    readBatchTails: db
      .prepare<[string, string], SymbolChunkRow>(
        `SELECT t.symbol, x.n, x.data FROM tickers t CROSS JOIN bar_tail x ON x.ticker_id = t.id
         WHERE t.symbol > ? AND t.symbol <= ?`,
      )
      .raw(),
    batchSymbols: db
      .prepare<[string, number], string>(
        'SELECT symbol FROM tickers WHERE bar_count > 0 AND symbol > ? ORDER BY symbol LIMIT ?',
      )
      .pluck(),
    // CROSS JOIN pins tickers as the outer loop so rows arrive in symbol order straight off its index
    // (a plain JOIN lets the planner scan bars and sort gigabytes of blobs).
    readBatch: db
      .prepare<[string, string], SymbolChunkRow>(
        `SELECT t.symbol, ${CHUNK_COLUMNS} FROM tickers t CROSS JOIN bars b ON b.ticker_id = t.id
         WHERE t.symbol > ? AND t.symbol <= ? ORDER BY t.symbol, b.year`,
      )
      .raw(),
    versions: db.prepare<[], [string, number]>('SELECT symbol, bar_version FROM tickers WHERE bar_version > 0').raw(),
    putDividend: db.prepare<[number, number, number]>(
      'INSERT INTO dividends (ticker_id, date, amount) VALUES (?, ?, ?) ON CONFLICT (ticker_id, date) DO UPDATE SET amount = excluded.amount',
    ),
    putSplit: db.prepare<[number, number, number, number]>(
      `INSERT INTO splits (ticker_id, date, numerator, denominator) VALUES (?, ?, ?, ?)
       ON CONFLICT (ticker_id, date) DO UPDATE SET numerator = excluded.numerator, denominator = excluded.denominator`,
    ),
    dividends: db.prepare<[string, number, number], Dividend>(
      `SELECT d.date, d.amount FROM dividends d JOIN tickers t ON t.id = d.ticker_id
       WHERE t.symbol = ? AND d.date BETWEEN ? AND ? ORDER BY d.date`,
    ),
    splits: db.prepare<[string, number, number], Split>(
      `SELECT s.date, s.numerator, s.denominator FROM splits s JOIN tickers t ON t.id = s.ticker_id
       WHERE t.symbol = ? AND s.date BETWEEN ? AND ? ORDER BY s.date`,
    ),
    stats: db.prepare<[], { tickers: number; bars: number; first: number | null; last: number | null }>(
      `SELECT count(*) AS tickers, coalesce(sum(bar_count), 0) AS bars, min(first_date) AS first, max(last_date) AS last
       FROM tickers WHERE bar_count > 0`,
    ),
    deleteBars: db.prepare<[number]>('DELETE FROM bars WHERE ticker_id = ?'),
    deleteDividends: db.prepare<[number]>('DELETE FROM dividends WHERE ticker_id = ?'),
    deleteSplits: db.prepare<[number]>('DELETE FROM splits WHERE ticker_id = ?'),
  };
}

export interface SupersededStatements {
  hasSuperseded: Stmt<[string], number>;
  putSuperseded: Stmt<[string, number, number, Buffer, string]>;
  superseded: Stmt<[], [string, number, number, Buffer]>;
  supersededOne: Stmt<[string], [number, number, Buffer]>;
}

/**
 * The statements over bars_superseded, prepared on first use: a file opened at an older schema (migration
 * tests open one) has no such table.
 */
export function prepareSupersededStatements(db: Database.Database): SupersededStatements {
  return {
    hasSuperseded: db.prepare<[string], number>('SELECT 1 FROM bars_superseded WHERE symbol = ?').pluck(),
    // The oldest unanalysed history is the one to keep: a later rewrite never replaces it.
    putSuperseded: db.prepare<[string, number, number, Buffer, string]>(
      `INSERT INTO bars_superseded (symbol, bar_version, n, data, superseded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (symbol) DO NOTHING`,
    ),
    superseded: db
      .prepare<[], [string, number, number, Buffer]>('SELECT symbol, bar_version, n, data FROM bars_superseded')
      .raw(),
    supersededOne: db
      .prepare<[string], [number, number, Buffer]>('SELECT bar_version, n, data FROM bars_superseded WHERE symbol = ?')
      .raw(),
  };
}
