import type Database from 'better-sqlite3';
import { type BarSeries, emptyBarSeries, sliceBarSeries } from '../../domain/bar-series.js';
import { type EpochDay, yearOfDay } from '../../domain/epoch-day.js';
import type { Dividend, Split } from '../../domain/ticker.js';
import { decodeBarChunks } from '../bar-codec.js';
import type { BarRepo, BarStats, DateRange, TickerWrite, TickerWriteResult } from '../store.js';
import { validateBarSeries } from '../validate-bar-series.js';
import { immediateTransaction } from './immediate-transaction.js';
import { SqliteBarChunkWriter } from './sqlite-bar-chunk-writer.js';
import {
  type BarStatements,
  type ChunkRow,
  prepareBarStatements,
  type TickerBarsRow,
} from './sqlite-bar-statements.js';
import type { SqliteFetchStateRepo } from './sqlite-fetch-state-repo.js';
import type { SqliteTickerRepo } from './sqlite-ticker-repo.js';

/**
 * Tickers per readAll batch. Each batch is read whole in one transaction, so no statement stays open
 * across a yield and the consumer may use (even write to) the store between tickers.
 */
const READ_ALL_BATCH = 128;
const MIN_YEAR = -100_000;
const MAX_YEAR = 100_000;
const MIN_DAY = -(2 ** 31);
const MAX_DAY = 2 ** 31 - 1;

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
  private readonly readOneTx: (symbol: string, fromYear: number, toYear: number) => [ChunkRow[], ChunkRow | undefined];
  private readonly readBatchTx: (after: string) => BarSeries[];
  private readonly chunks: SqliteBarChunkWriter;

  constructor(
    db: Database.Database,
    private readonly tickers: SqliteTickerRepo,
    private readonly fetchState: SqliteFetchStateRepo,
    /** Told after each committed write (the store's background checkpointer counts them). */
    private readonly onCommit: () => void = () => {},
  ) {
    this.s = prepareBarStatements(db);
    this.chunks = new SqliteBarChunkWriter(this.s);
    // Year rows and tail are read in one transaction: a writer folding the tail in between would
    // otherwise make a bar appear twice or not at all.
    this.readOneTx = db.transaction(
      (symbol: string, fromYear: number, toYear: number): [ChunkRow[], ChunkRow | undefined] => [
        this.s.readOne.all(symbol, fromYear, toYear),
        this.s.readOneTail.get(symbol),
      ],
    );
    this.readBatchTx = db.transaction((after: string) => this.readBatch(after));
    this.writeOneTx = immediateTransaction(db, (w: TickerWrite) => this.writeOne(w));
    this.writeManyTx = immediateTransaction(db, (ws: readonly TickerWrite[]) => ws.map((w) => this.writeOne(w)));
    this.deleteTx = immediateTransaction(db, (symbol: string) => this.deleteOne(symbol));
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
    if (w.bars && (w.bars.dates.length > 0 || mode === 'replace')) {
      const r = this.chunks.write(t, { ...w.bars, symbol }, mode);
      added = r.added;
      changed = r.changed;
      if (r.added + r.changed + r.removed > 0) {
        count += r.added - r.removed;
        const n = w.bars.dates.length;
        if (mode === 'replace') {
          first = n > 0 ? w.bars.dates[0] : null;
          last = n > 0 ? w.bars.dates[n - 1] : null;
        } else {
          first = first === null ? w.bars.dates[0] : Math.min(first, w.bars.dates[0]);
          last = last === null ? w.bars.dates[n - 1] : Math.max(last, w.bars.dates[n - 1]);
        }
        this.s.updateTicker.run(count, t.bar_version + 1, first, last, t.id);
      }
    }
    for (const d of w.dividends ?? []) this.s.putDividend.run(t.id, d.date, d.amount);
    for (const sp of w.splits ?? []) this.s.putSplit.run(t.id, sp.date, sp.numerator, sp.denominator);
    if (w.fetch) {
      this.fetchState.recordOne({
        symbol,
        source: w.fetch.source,
        at: w.fetch.attemptedAt ?? new Date(),
        error: null,
        bars: w.bars?.dates.length,
        flags: w.fetch.flags,
        meta: w.fetch.meta,
      });
    }
    return {
      symbol,
      barsAdded: added,
      barsChanged: changed,
      barsTotal: count,
      firstDate: first as EpochDay | null,
      lastDate: last as EpochDay | null,
    };
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

  private readSync(symbol: string, range?: DateRange): BarSeries | null {
    const from = range?.from;
    const to = range?.to;
    const [rows, tail] = this.readOneTx(
      symbol,
      from === undefined ? MIN_YEAR : yearOfDay(from),
      to === undefined ? MAX_YEAR : yearOfDay(to),
    );
    const chunks = rows.map((r) => ({ n: r[0], bytes: r[1] }));
    if (tail) chunks.push({ n: tail[0], bytes: tail[1] });
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
    this.s.deleteBars.run(t.id);
    this.s.deleteTail.run(t.id);
    this.s.deleteDividends.run(t.id);
    this.s.deleteSplits.run(t.id);
    // Dropping bars is a change analysis must see, hence the version bump.
    const version = t.bar_count > 0 ? t.bar_version + 1 : t.bar_version;
    this.s.updateTicker.run(0, version, null, null, t.id);
  }
}

function validateWrite(w: TickerWrite): void {
  if (typeof w.symbol !== 'string' || w.symbol === '') {
    throw new TypeError(`ticker write symbol ${JSON.stringify(w.symbol)} is not valid; expected a non-empty string`);
  }
  if (w.mode !== undefined && w.mode !== 'merge' && w.mode !== 'replace') {
    throw new RangeError(`write mode "${w.mode}" of ${w.symbol} is not valid; expected merge or replace`);
  }
  if (w.bars) validateBarSeries(w.symbol, w.bars);
  for (const d of [...(w.dividends ?? []), ...(w.splits ?? [])]) {
    if (!Number.isInteger(d.date)) {
      throw new RangeError(`event date ${d.date} of ${w.symbol} is not valid; expected an integer EpochDay`);
    }
  }
}
