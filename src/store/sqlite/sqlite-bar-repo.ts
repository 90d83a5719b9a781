import type Database from 'better-sqlite3';
import {
  type BarSeries,
  emptyBarSeries,
  lowerBound,
  sliceBarSeries,
  sliceBarSeriesAt,
} from '../../domain/bar-series.js';
import { type EpochDay, yearOfDay } from '../../domain/epoch-day.js';
import type { Dividend, Split } from '../../domain/ticker.js';
import {
  closeSectionsSql,
  decodeBarChunk,
  decodeBarChunks,
  decodeCloses,
  encodeBarChunk,
  MAX_DAY,
  MAX_YEAR,
  MIN_DAY,
  MIN_YEAR,
} from '../bar-codec.js';
import {
  dateSpanAfterWrite,
  extendsHistory,
  mergeChangesHistory,
  storesUnchanged,
  successfulFetchOf,
  validateWrite,
} from '../bar-write-rules.js';
import type { BarRepo, BarStats, DateRange, SupersededBars, TickerWrite, TickerWriteResult } from '../store.js';
import { immediateTransaction } from './immediate-transaction.js';
import { SqliteBarChunkWriter } from './sqlite-bar-chunk-writer.js';
import {
  type BarStatements,
  type ChunkRow,
  prepareBarStatements,
  prepareSupersededStatements,
  type SupersededStatements,
  type TickerBarsRow,
} from './sqlite-bar-statements.js';
import type { SqliteFetchStateRepo } from './sqlite-fetch-state-repo.js';
import type { SqliteTickerRepo } from './sqlite-ticker-repo.js';

/**
 * Tickers per readAll batch. Each batch is read whole in one transaction, so no statement stays open
 * across a yield and the consumer may use (even write to) the store between tickers.
 */
const READ_ALL_BATCH = 128;

/**
 * Bars stored columnar per ticker and calendar year, plus a small tail row of the newest bars (see
 * SqliteBarChunkWriter). A write rewrites only what it changes, so re-running an import or fetch writes
 * nothing; reads assemble year rows and tail into one series of typed arrays.
 */
export class SqliteBarRepo implements BarRepo {
  private readonly s: BarStatements;
  private readonly writeOneTx: (w: TickerWrite) => TickerWriteResult;
  private readonly writeManyTx: (ws: readonly TickerWrite[]) => TickerWriteResult[];
  private readonly deleteTx: (symbol: string) => void;
  private readonly readBatchTx: (after: string) => BarSeries[];
  private readonly chunks: SqliteBarChunkWriter;
  private supStatements: SupersededStatements | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly tickers: SqliteTickerRepo,
    private readonly fetchState: SqliteFetchStateRepo,
    /** Told after each committed write (the store's background checkpointer counts them). */
    private readonly onCommit: () => void = () => {},
  ) {
    this.s = prepareBarStatements(db);
    this.chunks = new SqliteBarChunkWriter(this.s);
    this.readBatchTx = db.transaction((after: string) => this.readBatch(after));
    this.writeOneTx = immediateTransaction(db, (w: TickerWrite) => this.writeOne(w));
    this.writeManyTx = immediateTransaction(db, (ws: readonly TickerWrite[]) => ws.map((w) => this.writeOne(w)));
    this.deleteTx = immediateTransaction(db, (symbol: string) => this.deleteOne(symbol));
  }

  private get sup(): SupersededStatements {
    this.supStatements ??= prepareSupersededStatements(this.db);
    return this.supStatements;
  }

  async writeTicker(write: TickerWrite): Promise<TickerWriteResult> {
    validateWrite(write);
    const result = this.writeOneTx(write);
    this.onCommit();
    return result;
  }

  async writeTickers(writes: readonly TickerWrite[]): Promise<TickerWriteResult[]> {
    // Validate everything first: one malformed series must not leave half a batch to roll back.
    for (const w of writes) validateWrite(w);
    const results = this.writeManyTx(writes);
    this.onCommit();
    return results;
  }

  private writeOne(w: TickerWrite): TickerWriteResult {
    const { symbol } = w;
    if (w.info) this.tickers.upsertOne({ ...w.info, symbol });
    const t = this.tickerRow(symbol);
    let count = t.bar_count;
    let first = count > 0 ? t.first_date : null;
    let last = count > 0 ? t.last_date : null;
    let added = 0;
    let changed = 0;
    const mode = w.mode ?? 'merge';
    // A daily update asks again for the last stored day; when it came back unchanged, only the later bars
    // are written (appended to the tail) and no stored year is read twice or rewritten.
    const trimmed: TrimmedBars =
      w.bars && mode === 'merge' ? this.withoutUnchangedOverlap(symbol, t, w.bars) : { bars: w.bars };
    const bars = trimmed.bars;
    if (bars && (bars.dates.length > 0 || mode === 'replace')) {
      const before = this.historyBefore(symbol, t, bars, mode);
      if (before) this.keepSuperseded(symbol, t.bar_version, before);
      // The tail the overlap check decoded is still the stored one (nothing between writes it): no second read.
      const r = this.chunks.write(t, { ...bars, symbol }, mode, trimmed.tail);
      added = r.added;
      changed = r.changed;
      if (r.added + r.changed + r.removed > 0) {
        count += r.added - r.removed;
        [first, last] = dateSpanAfterWrite(first, last, bars.dates, mode);
        this.s.updateTicker.run(count, t.bar_version + 1, first, last, t.id);
      }
    }
    for (const d of w.dividends ?? []) this.s.putDividend.run(t.id, d.date, d.amount);
    for (const sp of w.splits ?? []) this.s.putSplit.run(t.id, sp.date, sp.numerator, sp.denominator);
    const fetched = successfulFetchOf(w);
    if (fetched) this.fetchState.recordOne(fetched);
    return {
      symbol,
      barsAdded: added,
      barsChanged: changed,
      barsTotal: count,
      firstDate: first as EpochDay | null,
      lastDate: last as EpochDay | null,
    };
  }

  /**
   * `bars` without its leading bars on or before the latest stored date when every one of them is stored
   * with exactly the same values (so merging them would change nothing); else `bars` itself. The stored
   * bars are read from the tail alone when it covers the overlap, else from the overlapping year rows,
   * inside the caller's transaction. The decoded tail comes back along when it was read.
   */
  private withoutUnchangedOverlap(symbol: string, t: TickerBarsRow, bars: BarSeries): TrimmedBars {
    const n = bars.dates.length;
    if (n === 0 || t.bar_count === 0 || t.last_date === null || bars.dates[0] > t.last_date) return { bars };
    const overlap = lowerBound(bars.dates, t.last_date + 1);
    const tailRow = this.s.tail.get(t.id);
    const tail = tailRow ? decodeBarChunk(symbol, tailRow[0], tailRow[1]) : null;
    const stored = this.storedFrom(symbol, t.id, tailRow, tail, bars.dates[0], bars.dates[overlap - 1]);
    if (!stored || !storesUnchanged(stored, bars, overlap)) return { bars, tail };
    return { bars: overlap === 0 ? bars : sliceBarSeriesAt(bars, overlap, n), tail };
  }

  /**
   * Stored bars covering [from, to] (possibly more), or null when none are stored there. `tailRow` is the
   * ticker's tail row as read in this transaction and `tail` its decoded bars (null when it has none).
   */
  private storedFrom(
    symbol: string,
    tickerId: number,
    tailRow: ChunkRow | undefined,
    tail: BarSeries | null,
    from: number,
    to: number,
  ): BarSeries | null {
    if (tail && tail.dates.length > 0 && tail.dates[0] <= from) return tail;
    const chunks = this.s.yearChunks
      .all(tickerId, yearOfDay(from), yearOfDay(to))
      .map((r) => ({ n: r[1], bytes: r[2] }));
    if (tailRow) chunks.push({ n: tailRow[0], bytes: tailRow[1] });
    return chunks.length > 0 ? decodeBarChunks(symbol, chunks) : null;
  }

  /**
   * The stored series when this write changes a stored bar in a field analysis reads (or inserts one
   * before the latest stored date), and no superseded series is kept for the ticker yet; else null.
   * Appending after the latest date, the daily update, costs no read at all.
   */
  private historyBefore(
    symbol: string,
    t: TickerBarsRow,
    bars: BarSeries,
    mode: 'merge' | 'replace',
  ): BarSeries | null {
    if (t.bar_count === 0 || t.last_date === null) return null;
    const n = bars.dates.length;
    if (mode === 'merge' && bars.dates[0] > t.last_date) return null;
    if (this.sup.hasSuperseded.get(symbol) !== undefined) return null;
    if (mode === 'merge') {
      // Only the stored bars in the incoming span can change: read those first.
      const to = Math.min(bars.dates[n - 1], t.last_date);
      const span = this.readSync(symbol, { from: bars.dates[0], to });
      if (span && !mergeChangesHistory(span, bars, t.last_date)) return null;
      return this.readSync(symbol);
    }
    const old = this.readSync(symbol);
    return old && !extendsHistory(bars, old) ? old : null;
  }

  private keepSuperseded(symbol: string, version: number, series: BarSeries): void {
    this.sup.putSuperseded.run(symbol, version, series.dates.length, encodeBarChunk(series), new Date().toISOString());
  }

  async superseded(symbols?: readonly string[]): Promise<Map<string, SupersededBars>> {
    const out = new Map<string, SupersededBars>();
    const add = (symbol: string, barVersion: number, n: number, data: Buffer) =>
      out.set(symbol, { bars: decodeBarChunk(symbol, n, data), barVersion });
    if (symbols) {
      for (const symbol of symbols) {
        const row = this.sup.supersededOne.get(symbol);
        if (row) add(symbol, row[0], row[1], row[2]);
      }
    } else {
      for (const [symbol, barVersion, n, data] of this.sup.superseded.all()) add(symbol, barVersion, n, data);
    }
    return out;
  }

  private tickerRow(symbol: string): TickerBarsRow {
    const row = this.s.ticker.get(symbol);
    if (row) return row;
    const id = Number(this.s.insertTicker.run(symbol).lastInsertRowid);
    return { id, bar_count: 0, bar_version: 0, first_date: null, last_date: null };
  }

  async read(symbol: string, range?: DateRange): Promise<BarSeries | null> {
    return this.readSync(symbol, range);
  }

  async readCloses(
    symbols: readonly string[],
    range?: DateRange,
  ): Promise<Map<string, { dates: Int32Array; close: Float64Array }>> {
    return this.readClosesTx(symbols, range);
  }

  private closesStmt?: Database.Statement<[string, number, number, string], [number, number, number, Buffer, Buffer]>;

  /** Every symbol's date and close sections under one shared lock, so a portfolio's closes are one snapshot. */
  private readonly readClosesTx = (symbols: readonly string[], range?: DateRange) => {
    this.closesStmt ??= this.db
      .prepare<[string, number, number, string], [number, number, number, Buffer, Buffer]>(
        `SELECT 0, b.year, b.n, ${closeSectionsSql('b.data', 'b.n')} FROM tickers t CROSS JOIN bars b ON b.ticker_id = t.id
         WHERE t.symbol = ? AND b.year BETWEEN ? AND ?
         UNION ALL
         SELECT 1, 0, x.n, ${closeSectionsSql('x.data', 'x.n')} FROM tickers t CROSS JOIN bar_tail x ON x.ticker_id = t.id
         WHERE t.symbol = ?
         ORDER BY 1, 2`,
      )
      .raw();
    const stmt = this.closesStmt;
    return this.db.transaction(() => {
      const out = new Map<string, { dates: Int32Array; close: Float64Array }>();
      const from = range?.from;
      const to = range?.to;
      for (const symbol of symbols) {
        const rows = stmt.all(
          symbol,
          from === undefined ? MIN_YEAR : yearOfDay(from),
          to === undefined ? MAX_YEAR : yearOfDay(to),
          symbol,
        );
        if (rows.length === 0) continue;
        const all = decodeCloses(
          symbol,
          rows.map((r) => ({ n: r[2], dates: r[3], close: r[4] })),
        );
        const lo = from === undefined ? 0 : lowerBound(all.dates, from);
        const hi = to === undefined ? all.dates.length : lowerBound(all.dates, to + 1);
        out.set(symbol, { dates: all.dates.subarray(lo, hi), close: all.close.subarray(lo, hi) });
      }
      return out;
    })();
  };

  private readSync(symbol: string, range?: DateRange): BarSeries | null {
    const from = range?.from;
    const to = range?.to;
    const rows = this.s.readOne.all(
      symbol,
      from === undefined ? MIN_YEAR : yearOfDay(from),
      to === undefined ? MAX_YEAR : yearOfDay(to),
      symbol,
    );
    const chunks = rows.map((r) => ({ n: r[2], bytes: r[3] }));
    if (chunks.length === 0) {
      if (from === undefined && to === undefined) return null;
      // Bars exist outside the range: an empty series, unlike an unknown ticker.
      return (this.s.ticker.get(symbol)?.bar_count ?? 0) > 0 ? emptyBarSeries(symbol) : null;
    }
    const s = decodeBarChunks(symbol, chunks);
    return from === undefined && to === undefined ? s : sliceBarSeries(s, from, to);
  }

  async *readAll(symbols?: readonly string[]): AsyncIterable<BarSeries> {
    if (symbols) {
      for (const symbol of [...new Set(symbols)].sort()) {
        const s = this.readSync(symbol);
        if (s) yield s;
      }
      return;
    }
    let after = '';
    for (;;) {
      const series = this.readBatchTx(after);
      if (series.length === 0) return;
      after = series[series.length - 1].symbol;
      for (const s of series) yield s;
    }
  }

  /** The next READ_ALL_BATCH tickers after `after`, whole; runs inside one read transaction. */
  private readBatch(after: string): BarSeries[] {
    const symbols = this.s.batchSymbols.all(after, READ_ALL_BATCH);
    if (symbols.length === 0) return [];
    const upTo = symbols[symbols.length - 1];
    const chunks = new Map<string, { n: number; bytes: Buffer }[]>();
    for (const row of this.s.readBatch.all(after, upTo)) {
      let list = chunks.get(row[0]);
      if (!list) chunks.set(row[0], (list = []));
      list.push({ n: row[1], bytes: row[2] });
    }
    for (const row of this.s.readBatchTails.all(after, upTo)) {
      let list = chunks.get(row[0]);
      if (!list) chunks.set(row[0], (list = []));
      list.push({ n: row[1], bytes: row[2] });
    }
    const out: BarSeries[] = [];
    for (const symbol of symbols) {
      const list = chunks.get(symbol);
      if (list) out.push(decodeBarChunks(symbol, list));
    }
    return out;
  }

  async versions(): Promise<Map<string, number>> {
    return new Map(this.s.versions.all());
  }

  async dividends(symbol: string, range?: DateRange): Promise<Dividend[]> {
    return this.s.dividends.all(symbol, range?.from ?? MIN_DAY, range?.to ?? MAX_DAY);
  }

  async splits(symbol: string, range?: DateRange): Promise<Split[]> {
    return this.s.splits.all(symbol, range?.from ?? MIN_DAY, range?.to ?? MAX_DAY);
  }

  async stats(): Promise<BarStats> {
    const r = this.s.stats.get()!;
    return {
      tickers: r.tickers,
      bars: r.bars,
      firstDate: r.first as EpochDay | null,
      lastDate: r.last as EpochDay | null,
    };
  }

  async deleteTicker(symbol: string): Promise<void> {
    this.deleteTx(symbol);
  }

  private deleteOne(symbol: string): void {
    const t = this.s.ticker.get(symbol);
    if (!t) return;
    if (t.bar_count > 0 && this.sup.hasSuperseded.get(symbol) === undefined) {
      const old = this.readSync(symbol);
      if (old) this.keepSuperseded(symbol, t.bar_version, old);
    }
    this.s.deleteBars.run(t.id);
    this.s.deleteTail.run(t.id);
    this.s.deleteDividends.run(t.id);
    this.s.deleteSplits.run(t.id);
    // Dropping bars is a change analysis must see, hence the version bump.
    const version = t.bar_count > 0 ? t.bar_version + 1 : t.bar_version;
    this.s.updateTicker.run(0, version, null, null, t.id);
  }
}

/**
 * A write's bars after dropping the unchanged overlap, with the ticker's decoded tail when reading it was
 * needed for that (null: the ticker has no tail row; undefined: not read).
 */
interface TrimmedBars {
  bars: BarSeries | undefined;
  tail?: BarSeries | null;
}
