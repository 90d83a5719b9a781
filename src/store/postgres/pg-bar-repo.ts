import { to as copyTo } from 'pg-copy-streams';
import {
  type BarSeries,
  emptyBarSeries,
  lowerBound,
  sliceBarSeries,
  sliceBarSeriesAt,
} from '../../domain/bar-series.js';
import { type EpochDay, firstDayOfYear, yearOfDay } from '../../domain/epoch-day.js';
import type { Dividend, Split } from '../../domain/ticker.js';
import { decodeBarChunk, decodeBarChunks, encodeBarChunk, MAX_DAY, MAX_YEAR, MIN_DAY, MIN_YEAR } from '../bar-codec.js';
import {
  dateSpanAfterWrite,
  extendsHistory,
  mergeChangesHistory,
  storesUnchanged,
  successfulFetchOf,
  validateWrite,
} from '../bar-write-rules.js';
import { mergeBarChunk } from '../merge-bar-chunk.js';
import type { BarRepo, BarStats, DateRange, SupersededBars, TickerWrite, TickerWriteResult } from '../store.js';
import { binaryCopyRows } from './binary-copy-rows.js';
import type { PgDb, Sql } from './pg-db.js';
import type { PgFetchStateRepo } from './pg-fetch-state-repo.js';
import type { PgTickerRepo } from './pg-ticker-repo.js';
import { valuesRows } from './values-rows.js';

/** Tickers per readAll batch: one query each, so no cursor stays open while the consumer works. */
const READ_ALL_BATCH = 256;

interface TickerBarsRow {
  id: number;
  bar_count: number;
  bar_version: number;
  first_date: number | null;
  last_date: number | null;
}

interface ChunkRow {
  year: number;
  n: number;
  data: Buffer;
}

interface Counts {
  added: number;
  changed: number;
  removed: number;
}

/** A write's year rows (years, bar counts, encoded blobs) and its counts. */
interface MergedYears extends Counts {
  years: number[];
  sizes: number[];
  blobs: Buffer[];
}

const TICKER_BARS_COLUMNS = 'id, bar_count, bar_version, first_date, last_date';

/**
 * Bars stored columnar per ticker and calendar year (the blob of bar-codec.ts), as the SQLite store keeps
 * them. A write locks its ticker's row first, so workers writing the same ticker from several machines take
 * turns instead of losing each other's bars; it rewrites only the years it changes.
 */
export class PgBarRepo implements BarRepo {
  constructor(
    private readonly db: PgDb,
    private readonly tickers: PgTickerRepo,
    private readonly fetchState: PgFetchStateRepo,
  ) {}

  async writeTicker(write: TickerWrite): Promise<TickerWriteResult> {
    validateWrite(write);
    return this.db.tx((sql) => this.writeOne(sql, write));
  }

  async writeTickers(writes: readonly TickerWrite[]): Promise<TickerWriteResult[]> {
    // Validate everything first: one malformed series must not leave half a batch to roll back.
    for (const w of writes) validateWrite(w);
    if (writes.length === 0) return [];
    // One ticker needs no lock order: its write inserts or locks its own row (a statement less per ticker, as a
    // queue worker's chunk, fetching one ticker at a time, mostly writes them).
    if (writes.length === 1) return [await this.db.tx((sql) => this.writeOne(sql, writes[0]))];
    return this.db.tx(async (sql) => {
      // Tickers are locked in symbol order, so two batches sharing tickers never deadlock.
      const order = writes.map((_w, i) => i).sort((a, b) => cmp(writes[a].symbol, writes[b].symbol) || a - b);
      await this.ensureTickers(
        sql,
        writes.map((w) => w.symbol),
      );
      const results: TickerWriteResult[] = new Array(writes.length);
      for (const i of order) results[i] = await this.writeOne(sql, writes[i]);
      return results;
    });
  }

  /** Inserts the tickers that have no row yet, in one statement. */
  private async ensureTickers(sql: Sql, symbols: readonly string[]): Promise<void> {
    await sql.query(
      'INSERT INTO tickers (symbol) SELECT DISTINCT s FROM unnest($1::text[]) AS s ORDER BY s ON CONFLICT (symbol) DO NOTHING',
      [symbols],
    );
  }

  private async writeOne(sql: Sql, w: TickerWrite): Promise<TickerWriteResult> {
    const { symbol } = w;
    const t = w.info
      ? (await this.tickers.upsertIn<TickerBarsRow>(sql, [{ ...w.info, symbol }], TICKER_BARS_COLUMNS))[0]
      : await this.lockTicker(sql, symbol);
    let count = t.bar_count;
    let first = count > 0 ? t.first_date : null;
    let last = count > 0 ? t.last_date : null;
    let added = 0;
    let changed = 0;
    const mode = w.mode ?? 'merge';
    const bars = w.bars && mode === 'merge' ? await this.withoutUnchangedOverlap(sql, t, w.bars) : w.bars;
    if (bars && (bars.dates.length > 0 || mode === 'replace')) {
      const before = await this.historyBefore(sql, symbol, t, bars, mode);
      if (before) await keepSuperseded(sql, symbol, t.bar_version, before);
      const r = await this.mergeYears(sql, t, { ...bars, symbol }, mode);
      added = r.added;
      changed = r.changed;
      if (r.added + r.changed + r.removed > 0) {
        count += r.added - r.removed;
        [first, last] = dateSpanAfterWrite(first, last, bars.dates, mode);
        const update = [count, t.bar_version + 1, first, last, t.id];
        // The year rows and the ticker's counts go in one statement: a round trip less per ticker written.
        // Each year's blob is a parameter of its own, sent as its bytes: in a bytea[] array it went as hex
        // text, twice the bytes, encoded here and decoded by the server (most of a bulk write's time).
        if (r.years.length > 0) {
          await sql.query(
            `WITH written AS (
               INSERT INTO bars (ticker_id, year, n, data) VALUES ${valuesRows(r.years.length, 4, 6)}
               ON CONFLICT (ticker_id, year) DO UPDATE SET n = excluded.n, data = excluded.data)
             UPDATE tickers SET bar_count = $1, bar_version = $2, first_date = $3, last_date = $4 WHERE id = $5`,
            [...update, ...r.years.flatMap((y, i) => [t.id, y, r.sizes[i], r.blobs[i]])],
          );
        } else {
          await sql.query(
            'UPDATE tickers SET bar_count = $1, bar_version = $2, first_date = $3, last_date = $4 WHERE id = $5',
            update,
          );
        }
      }
    }
    const dividends = w.dividends ?? [];
    if (dividends.length > 0) {
      await sql.query(
        `INSERT INTO dividends (ticker_id, date, amount)
         SELECT DISTINCT ON (d) $1::bigint, d, a FROM unnest($2::int[], $3::float8[]) WITH ORDINALITY AS x(d, a, o)
         ORDER BY d, o DESC
         ON CONFLICT (ticker_id, date) DO UPDATE SET amount = excluded.amount`,
        [t.id, dividends.map((d) => d.date), dividends.map((d) => d.amount)],
      );
    }
    const splits = w.splits ?? [];
    if (splits.length > 0) {
      await sql.query(
        `INSERT INTO splits (ticker_id, date, numerator, denominator)
         SELECT DISTINCT ON (d) $1::bigint, d, nu, de FROM unnest($2::int[], $3::float8[], $4::float8[])
           WITH ORDINALITY AS x(d, nu, de, o)
         ORDER BY d, o DESC
         ON CONFLICT (ticker_id, date) DO UPDATE SET numerator = excluded.numerator, denominator = excluded.denominator`,
        [t.id, splits.map((s) => s.date), splits.map((s) => s.numerator), splits.map((s) => s.denominator)],
      );
    }
    const fetched = successfulFetchOf(w);
    if (fetched) await this.fetchState.recordIn(sql, fetched);
    return {
      symbol,
      barsAdded: added,
      barsChanged: changed,
      barsTotal: count,
      firstDate: first as EpochDay | null,
      lastDate: last as EpochDay | null,
    };
  }

  /** The ticker's row, created when missing, locked until the transaction ends. */
  private async lockTicker(sql: Sql, symbol: string): Promise<TickerBarsRow> {
    const select = `SELECT ${TICKER_BARS_COLUMNS} FROM tickers WHERE symbol = $1 FOR UPDATE`;
    let { rows } = await sql.query<TickerBarsRow>(select, [symbol]);
    if (rows.length === 0) {
      await this.ensureTickers(sql, [symbol]);
      ({ rows } = await sql.query<TickerBarsRow>(select, [symbol]));
    }
    return rows[0];
  }

  /**
   * `bars` without its leading bars on or before the latest stored date when every one of them is stored
   * with exactly the same values (a daily update asks again for the last stored day); else `bars` itself.
   */
  private async withoutUnchangedOverlap(sql: Sql, t: TickerBarsRow, bars: BarSeries): Promise<BarSeries> {
    const n = bars.dates.length;
    if (n === 0 || t.bar_count === 0 || t.last_date === null || bars.dates[0] > t.last_date) return bars;
    const overlap = lowerBound(bars.dates, t.last_date + 1);
    const stored = await this.chunksOf(
      sql,
      t.id,
      bars.symbol,
      yearOfDay(bars.dates[0]),
      yearOfDay(bars.dates[overlap - 1]),
    );
    if (!stored || !storesUnchanged(stored, bars, overlap)) return bars;
    return overlap === 0 ? bars : sliceBarSeriesAt(bars, overlap, n);
  }

  private async chunksOf(
    sql: Sql,
    tickerId: number,
    symbol: string,
    from: number,
    to: number,
  ): Promise<BarSeries | null> {
    const { rows } = await sql.query<ChunkRow>(
      'SELECT year, n, data FROM bars WHERE ticker_id = $1 AND year BETWEEN $2 AND $3 ORDER BY year',
      [tickerId, from, to],
    );
    return rows.length > 0
      ? decodeBarChunks(
          symbol,
          rows.map((r) => ({ n: r.n, bytes: r.data })),
        )
      : null;
  }

  /** The stored series when this write changes an analysed stored bar and none is kept yet; else null. */
  private async historyBefore(
    sql: Sql,
    symbol: string,
    t: TickerBarsRow,
    bars: BarSeries,
    mode: 'merge' | 'replace',
  ): Promise<BarSeries | null> {
    if (t.bar_count === 0 || t.last_date === null) return null;
    const n = bars.dates.length;
    if (mode === 'merge' && bars.dates[0] > t.last_date) return null;
    const kept = await sql.query('SELECT 1 FROM bars_superseded WHERE symbol = $1', [symbol]);
    if ((kept.rowCount ?? 0) > 0) return null;
    if (mode === 'merge') {
      const to = Math.min(bars.dates[n - 1], t.last_date);
      const span = await this.readIn(sql, symbol, { from: bars.dates[0], to });
      if (span && !mergeChangesHistory(span, bars, t.last_date)) return null;
      return this.readIn(sql, symbol);
    }
    const old = await this.readIn(sql, symbol);
    return old && !extendsHistory(bars, old) ? old : null;
  }

  /**
   * The year rows `bars` touches (every stored year for 'replace'), merged with what is stored, and the
   * counts; the caller writes the rows. Years 'replace' no longer has are deleted here.
   */
  private async mergeYears(
    sql: Sql,
    t: TickerBarsRow,
    bars: BarSeries,
    mode: 'merge' | 'replace',
  ): Promise<MergedYears> {
    const tickerId = t.id;
    const n = bars.dates.length;
    const [fromYear, toYear] =
      mode === 'replace' || n === 0 ? [MIN_YEAR, MAX_YEAR] : [yearOfDay(bars.dates[0]), yearOfDay(bars.dates[n - 1])];
    const stored = new Map<number, ChunkRow>();
    // A ticker without bars has no year rows: its first write skips the read.
    if (t.bar_count > 0) {
      const known = await sql.query<ChunkRow>(
        'SELECT year, n, data FROM bars WHERE ticker_id = $1 AND year BETWEEN $2 AND $3',
        [tickerId, fromYear, toYear],
      );
      for (const row of known.rows) stored.set(row.year, row);
    }
    const years: number[] = [];
    const sizes: number[] = [];
    const blobs: Buffer[] = [];
    const counts: Counts = { added: 0, changed: 0, removed: 0 };
    for (let start = 0; start < n; ) {
      const year = yearOfDay(bars.dates[start]);
      const end = lowerBound(bars.dates, firstDayOfYear(year + 1));
      const row = stored.get(year);
      stored.delete(year);
      const old = row ? decodeBarChunk(bars.symbol, row.n, row.data) : null;
      const r = mergeBarChunk(old, sliceBarSeriesAt(bars, start, end), mode);
      if (r.added + r.changed + r.removed > 0) {
        years.push(year);
        sizes.push(r.merged.dates.length);
        blobs.push(encodeBarChunk(r.merged));
      }
      counts.added += r.added;
      counts.changed += r.changed;
      counts.removed += r.removed;
      start = end;
    }
    // Left over after 'replace': stored years the new history no longer has.
    if (mode === 'replace' && stored.size > 0) {
      for (const row of stored.values()) counts.removed += row.n;
      await sql.query('DELETE FROM bars WHERE ticker_id = $1 AND year = ANY($2::int[])', [
        tickerId,
        [...stored.keys()],
      ]);
    }
    return { ...counts, years, sizes, blobs };
  }

  read(symbol: string, range?: DateRange): Promise<BarSeries | null> {
    return this.readIn(this.db, symbol, range);
  }

  private async readIn(sql: Sql, symbol: string, range?: DateRange): Promise<BarSeries | null> {
    const from = range?.from;
    const to = range?.to;
    const { rows } = await sql.query<ChunkRow & { bar_count: number }>(
      `SELECT b.year, b.n, b.data, t.bar_count FROM tickers t LEFT JOIN bars b
         ON b.ticker_id = t.id AND b.year BETWEEN $2 AND $3
       WHERE t.symbol = $1 ORDER BY b.year`,
      [symbol, from === undefined ? MIN_YEAR : yearOfDay(from), to === undefined ? MAX_YEAR : yearOfDay(to)],
    );
    const chunks = rows.filter((r) => r.data !== null).map((r) => ({ n: r.n, bytes: r.data }));
    if (chunks.length === 0) {
      if (from === undefined && to === undefined) return null;
      // Bars exist outside the range: an empty series, unlike an unknown ticker.
      return (rows[0]?.bar_count ?? 0) > 0 ? emptyBarSeries(symbol) : null;
    }
    const s = decodeBarChunks(symbol, chunks);
    return from === undefined && to === undefined ? s : sliceBarSeries(s, from, to);
  }

  /**
   * The dates and closes of each symbol with bars, through the whole-series read: PostgreSQL keeps a year's
   * columns in one blob, so the closes alone would not be fewer bytes off the disk.
   */
  async readCloses(
    symbols: readonly string[],
    range?: DateRange,
  ): Promise<Map<string, { dates: Int32Array; close: Float64Array }>> {
    const out = new Map<string, { dates: Int32Array; close: Float64Array }>();
    for (const symbol of symbols) {
      const series = await this.read(symbol, range);
      if (series && series.dates.length > 0) out.set(symbol, { dates: series.dates, close: series.close });
    }
    return out;
  }

  async *readAll(symbols?: readonly string[]): AsyncIterable<BarSeries> {
    const { rows: tickers } = await this.db.query<{ id: number; symbol: string }>(
      symbols
        ? 'SELECT id, symbol FROM tickers WHERE bar_count > 0 AND symbol = ANY($1::text[]) ORDER BY symbol COLLATE "C"'
        : 'SELECT id, symbol FROM tickers WHERE bar_count > 0 ORDER BY symbol COLLATE "C"',
      symbols ? [[...new Set(symbols)]] : [],
    );
    // The next batch is asked for before this one is decoded: the database reads and sends it meanwhile, so
    // its work and this process's decoding overlap instead of taking turns (more ahead only contend for cores).
    let at = 0;
    const nextBatch = (): Promise<BarSeries[]> | null => {
      if (at >= tickers.length) return null;
      const batch = tickers.slice(at, at + READ_ALL_BATCH);
      at += READ_ALL_BATCH;
      return this.copyBatch(batch);
    };
    let pending = nextBatch();
    try {
      while (pending) {
        const out = await pending;
        pending = nextBatch();
        for (const s of out) yield s;
      }
    } finally {
      // A consumer that stops early leaves the batch asked for ahead: its failure must not go unhandled.
      void pending?.catch(() => {});
    }
  }

  /**
   * The series of a batch of tickers, read with one binary COPY (see binaryCopyRows): a whole market's blobs
   * arrive as their bytes, without the hex of the text protocol that made most of a full load's time. COPY
   * takes no parameters, so its statement holds only ticker ids this store just read, each checked to be an
   * integer; one statement reads one snapshot.
   */
  private async copyBatch(batch: readonly { id: number; symbol: string }[]): Promise<BarSeries[]> {
    const ids = batch.map((t) => {
      if (!Number.isSafeInteger(t.id)) throw new TypeError(`ticker id ${t.id} of ${t.symbol} is not an integer`);
      return t.id;
    });
    const client = await this.db.connect();
    let healthy = false;
    try {
      const stream = client.query(
        copyTo(
          `COPY (SELECT b.ticker_id, b.n, b.data FROM bars b WHERE b.ticker_id IN (${ids.join(',')})
                 ORDER BY b.ticker_id, b.year) TO STDOUT (FORMAT binary)`,
        ),
      );
      const chunksOf = new Map<number, { n: number; bytes: Buffer }[]>();
      for await (const [id, n, data] of binaryCopyRows(stream as AsyncIterable<Buffer>)) {
        if (!id || !n || !data) throw new Error('a bars row without its ticker, size or blob');
        const tickerId = Number(id.readBigInt64BE(0));
        let list = chunksOf.get(tickerId);
        if (!list) chunksOf.set(tickerId, (list = []));
        list.push({ n: n.readInt32BE(0), bytes: data });
      }
      healthy = true;
      const out: BarSeries[] = [];
      for (const t of batch) {
        const chunks = chunksOf.get(t.id);
        if (chunks) out.push(decodeBarChunks(t.symbol, chunks));
      }
      return out;
    } finally {
      // A COPY left half read leaves its connection mid-protocol: that one is closed, not reused.
      client.release(!healthy);
    }
  }

  async versions(): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ symbol: string; bar_version: number }>(
      'SELECT symbol, bar_version FROM tickers WHERE bar_version > 0',
    );
    return new Map(rows.map((r) => [r.symbol, r.bar_version]));
  }

  async superseded(symbols?: readonly string[]): Promise<Map<string, SupersededBars>> {
    const { rows } = await this.db.query<{ symbol: string; bar_version: number; n: number; data: Buffer }>(
      'SELECT symbol, bar_version, n, data FROM bars_superseded WHERE $1::text[] IS NULL OR symbol = ANY($1::text[])',
      [symbols ? [...symbols] : null],
    );
    return new Map(
      rows.map((r) => [r.symbol, { bars: decodeBarChunk(r.symbol, r.n, r.data), barVersion: r.bar_version }]),
    );
  }

  async dividends(symbol: string, range?: DateRange): Promise<Dividend[]> {
    const { rows } = await this.db.query<Dividend>(
      `SELECT d.date, d.amount FROM dividends d JOIN tickers t ON t.id = d.ticker_id
       WHERE t.symbol = $1 AND d.date BETWEEN $2 AND $3 ORDER BY d.date`,
      [symbol, range?.from ?? MIN_DAY, range?.to ?? MAX_DAY],
    );
    return rows;
  }

  async splits(symbol: string, range?: DateRange): Promise<Split[]> {
    const { rows } = await this.db.query<Split>(
      `SELECT s.date, s.numerator, s.denominator FROM splits s JOIN tickers t ON t.id = s.ticker_id
       WHERE t.symbol = $1 AND s.date BETWEEN $2 AND $3 ORDER BY s.date`,
      [symbol, range?.from ?? MIN_DAY, range?.to ?? MAX_DAY],
    );
    return rows;
  }

  async stats(): Promise<BarStats> {
    const { rows } = await this.db.query<{ tickers: number; bars: number; first: number | null; last: number | null }>(
      `SELECT count(*) AS tickers, coalesce(sum(bar_count), 0) AS bars, min(first_date) AS first, max(last_date) AS last
       FROM tickers WHERE bar_count > 0`,
    );
    const r = rows[0];
    return {
      tickers: r.tickers,
      bars: r.bars,
      firstDate: r.first as EpochDay | null,
      lastDate: r.last as EpochDay | null,
    };
  }

  deleteTicker(symbol: string): Promise<void> {
    return this.db.tx(async (sql) => {
      const { rows } = await sql.query<TickerBarsRow>(
        'SELECT id, bar_count, bar_version, first_date, last_date FROM tickers WHERE symbol = $1 FOR UPDATE',
        [symbol],
      );
      const t = rows[0];
      if (!t) return;
      if (t.bar_count > 0) {
        const old = await this.readIn(sql, symbol);
        if (old) await keepSuperseded(sql, symbol, t.bar_version, old);
      }
      for (const table of ['bars', 'dividends', 'splits']) {
        await sql.query(`DELETE FROM ${table} WHERE ticker_id = $1`, [t.id]);
      }
      // Dropping bars is a change analysis must see, hence the version bump.
      await sql.query(
        'UPDATE tickers SET bar_count = 0, bar_version = $1, first_date = NULL, last_date = NULL WHERE id = $2',
        [t.bar_count > 0 ? t.bar_version + 1 : t.bar_version, t.id],
      );
    });
  }
}

/** The oldest unanalysed history is the one to keep: a later rewrite never replaces it. */
async function keepSuperseded(sql: Sql, symbol: string, version: number, series: BarSeries): Promise<void> {
  await sql.query(
    `INSERT INTO bars_superseded (symbol, bar_version, n, data, superseded_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (symbol) DO NOTHING`,
    [symbol, version, series.dates.length, encodeBarChunk(series), new Date().toISOString()],
  );
}

/** Symbols compare by code unit, as the SQLite store and JavaScript sort them. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
