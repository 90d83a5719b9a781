import type Database from 'better-sqlite3';
import { lowerBound } from '../../domain/bar-series.js';
import type { BreadthSeries } from '../../domain/breadth-series.js';
import { type EpochDay, firstDayOfYear, yearOfDay } from '../../domain/epoch-day.js';
import type { ScreenerRow } from '../../domain/screener-row.js';
import type { Signal, SignalKind } from '../../domain/signal.js';
import { SIGNAL_KINDS } from '../../domain/signal-kinds.js';
import { type AnalysisStateRow, analysisStateFromRow } from '../analysis-state-row.js';
import { MIN_DAY, MIN_YEAR, typedArrayToBuffer } from '../bar-codec.js';
import { decodeBreadthRow, encodeBreadthRow } from '../breadth-blob.js';
import {
  collectYearSignals,
  concatYears,
  decodeYear,
  groupedBySymbol,
  kindCode,
  lowerBoundIn,
  newestSignalsFirst,
  signalsFromYear,
  toBuffer,
  validateColumns,
  type YearSignals,
} from '../signal-blobs.js';
import type {
  AnalysisRepo,
  AnalysisRunWrite,
  AnalysisRunWriter,
  AnalysisState,
  DateRange,
  SignalColumns,
} from '../store.js';
import { immediateTransaction } from './immediate-transaction.js';

type SignalYearRow = [symbol: string, year: number, dates: Buffer, kinds: Buffer, vals: Buffer];
type RecentRow = [symbol: string, date: number, kind: number, value: number];
type BreadthRow = { scope: string; n: number; dates: Buffer; fields: string; data: Buffer };

/**
 * The analysis tables of the SQLite store (schema in migrations/002-analysis.ts). Signals are kept as
 * per-ticker, per-year columns, so a whole-market run writes ~10 rows per ticker and an incremental run
 * rewrites only the current year's row of each ticker.
 */
export class SqliteAnalysisRepo implements AnalysisRepo {
  private statements: ReturnType<typeof prepareStatements> | null = null;
  private readonly commitTx: (run: AnalysisRunWrite) => void;

  constructor(private readonly db: Database.Database) {
    this.commitTx = immediateTransaction(db, (run: AnalysisRunWrite) => this.commitSync(run));
  }

  private get s() {
    this.statements ??= prepareStatements(this.db);
    return this.statements;
  }

  async screenerRows(): Promise<ScreenerRow[]> {
    return this.s.rows.all().map((text) => JSON.parse(text) as ScreenerRow);
  }

  async screenerRow(symbol: string): Promise<ScreenerRow | null> {
    const text = this.s.row.get(symbol);
    return text === undefined || text === null ? null : (JSON.parse(text) as ScreenerRow);
  }

  /**
   * Newest first (then by symbol and kind). `since` is an inclusive EpochDay; with a `limit` and no
   * `since`, only as many years are read as the limit needs.
   */
  async signals(opts: { symbol?: string; kind?: SignalKind; since?: number; limit?: number } = {}): Promise<Signal[]> {
    const since = opts.since ?? MIN_DAY;
    const kindFilter = opts.kind === undefined ? -1 : kindCode(opts.kind);
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    const out: Signal[] = [];
    const collect = (rows: SignalYearRow[]) => {
      for (const [symbol, , d, k, v] of rows) {
        const col = decodeYear(d, k, v);
        collectYearSignals(out, symbol, col, since, kindFilter);
      }
    };
    const collectRecent = (rows: RecentRow[]) => {
      for (const [symbol, date, kind, value] of rows) {
        if (kindFilter >= 0 && kind !== kindFilter) continue;
        out.push({ symbol, date: date as EpochDay, kind: SIGNAL_KINDS[kind], value });
      }
    };
    const firstYear = opts.since === undefined ? MIN_YEAR : yearOfDay(opts.since);
    if (opts.symbol !== undefined) {
      collect(this.s.symbolSignals.all(opts.symbol, firstYear));
      collectRecent(this.s.recentOfSymbol.all(opts.symbol, since));
    } else {
      collectRecent(this.s.recentSince.all(since));
      for (const year of this.s.signalYears.all(firstYear)) {
        collect(this.s.yearSignals.all(year, since));
        // Earlier years only hold older signals: stop once the limit is met from this year on.
        if (Number.isFinite(limit)) {
          if (signalsFromYear(out, year) >= limit) break;
        }
      }
    }
    return newestSignalsFirst(out, limit);
  }

  async breadth(universe: string, scope: string, range?: DateRange): Promise<BreadthSeries | null> {
    const row = this.s.breadth.get(universe, scope);
    return row ? decodeBreadthRow(scope, row, range) : null;
  }

  async breadthScopes(universe: string): Promise<string[]> {
    return this.s.scopes.all(universe);
  }

  async getStates(symbols?: readonly string[]): Promise<Map<string, AnalysisState>> {
    const out = new Map<string, AnalysisState>();
    const add = (r: AnalysisStateRow | undefined) => {
      if (r) out.set(r.symbol, analysisStateFromRow(r));
    };
    if (symbols === undefined) for (const r of this.s.states.all()) add(r);
    else for (const symbol of symbols) add(this.s.state.get(symbol));
    return out;
  }

  async commitRun(run: AnalysisRunWrite): Promise<void> {
    validateColumns(run.signals);
    this.commitTx(run);
  }

  /** The run's transaction is this store's one connection's. */
  readonly runWriterSharesConnection = true;

  /**
   * BEGIN IMMEDIATE on this connection, held across the run's awaits: the analysis workers read through
   * their own connections and keep the snapshot from before it (WAL), which is the one they analyse.
   */
  async beginRun(opts: { replacing: ReadonlySet<string> }): Promise<AnalysisRunWriter> {
    if (this.db.inTransaction) throw new Error('an analysis run cannot begin inside another transaction');
    this.db.exec('BEGIN IMMEDIATE');
    let open = true;
    let clearedAll = false;
    const fail = (error: unknown): never => {
      if (open && this.db.inTransaction) this.db.exec('ROLLBACK');
      open = false;
      throw error;
    };
    const ensureOpen = () => {
      if (!open) throw new Error('the analysis run was already committed or aborted');
    };
    try {
      clearedAll = this.clearAllSignalsIfReplaced(new Map([...opts.replacing].map((s) => [s, null])));
    } catch (error) {
      fail(error);
    }
    return {
      addSignals: async (part) => {
        ensureOpen();
        try {
          validateColumns(part.signals);
          // Their stored signals are gone already: only a replacement from their first day is exact.
          for (const [symbol, from] of part.signalsFrom) {
            if (clearedAll && from !== null && opts.replacing.has(symbol)) {
              throw new RangeError(`signals of ${symbol} are replaced from day ${from}, expected from their first day`);
            }
          }
          for (const symbol of part.signalsAppend ?? []) {
            if (clearedAll && opts.replacing.has(symbol)) {
              throw new RangeError(`signals of ${symbol} are appended, expected replaced from their first day`);
            }
          }
          this.replaceSignalsSync(part.signalsFrom, part.signalsAppend ?? new Set(), part.signals, clearedAll);
        } catch (error) {
          fail(error);
        }
      },
      commit: async (rest) => {
        ensureOpen();
        try {
          validateColumns(rest.signals);
          this.commitSync(rest);
          this.db.exec('COMMIT');
          open = false;
        } catch (error) {
          fail(error);
        }
      },
      abort: async () => {
        if (open && this.db.inTransaction) this.db.exec('ROLLBACK');
        open = false;
      },
    };
  }

  async breadthState(universe: string): Promise<Uint8Array | null> {
    const blob = this.s.breadthState.get(universe);
    return blob === undefined ? null : new Uint8Array(blob);
  }

  private commitSync(run: AnalysisRunWrite): void {
    // In the run's transaction: a crash before it leaves both the old counters and the old history.
    for (const symbol of run.clearSuperseded ?? []) this.s.clearSuperseded.run(symbol);
    for (const symbol of run.deleteSymbols ?? []) {
      this.s.deleteTicker.run(symbol);
      this.s.deleteSignals.run(symbol);
      this.s.deleteRecent.run(symbol);
    }
    // A ticker with both a new row and a new state gets one upsert.
    const states = new Map(run.states.map((st) => [st.symbol, st]));
    for (const r of run.screenerRows) {
      const st = states.get(r.symbol);
      if (!st) {
        this.s.putRow.run(r.symbol, r.date, JSON.stringify(r));
        continue;
      }
      states.delete(r.symbol);
      const bytes = st.state ? toBuffer(st.state) : null;
      this.s.putRowAndState.run(r.symbol, r.date, JSON.stringify(r), st.barVersion, st.lastDate, bytes);
    }
    this.replaceSignalsSync(run.signalsFrom, run.signalsAppend ?? new Set(), run.signals);
    this.putStatesSync([...states.values()]);
    if (run.breadth) {
      this.writeBreadthSync(run.breadth.universe, run.breadth.series);
      if (run.breadth.state) {
        this.s.putBreadthState.run(run.breadth.universe, toBuffer(run.breadth.state), Date.now());
      } else {
        this.s.deleteBreadthState.run(run.breadth.universe);
      }
    }
  }

  private putStatesSync(states: readonly AnalysisState[]): void {
    for (const st of states) {
      this.s.putState.run(st.symbol, st.barVersion, st.lastDate, st.state ? toBuffer(st.state) : null);
    }
  }

  private writeBreadthSync(universe: string, series: readonly BreadthSeries[]): void {
    this.s.deleteBreadth.run(universe);
    for (const s of series) {
      const row = encodeBreadthRow(universe, s);
      this.s.putBreadth.run(universe, s.scope, row.n, row.firstDate, row.lastDate, row.dates, row.fields, row.data);
    }
  }

  /**
   * Appends the signals of `signalsAppend` symbols as recent rows; for each symbol of `signalsFrom`, keeps
   * its stored signals before its `from` day and writes them with the new ones as year blobs.
   */
  private replaceSignalsSync(
    signalsFrom: ReadonlyMap<string, number | null>,
    signalsAppend: ReadonlySet<string>,
    input: SignalColumns,
    clearedBefore = false,
  ): void {
    const c = groupedBySymbol(input);
    const codes = Uint8Array.from(c.kinds, kindCode);
    const runStart = new Int32Array(c.symbols.length).fill(-1);
    const runEnd = new Int32Array(c.symbols.length);
    for (let i = 0; i < c.symbolIndex.length; i++) {
      const k = c.symbolIndex[i];
      if (runStart[k] < 0) runStart[k] = i;
      runEnd[k] = i + 1;
    }
    const symbolIndex = new Map(c.symbols.map((symbol, i) => [symbol, i]));
    const range = (symbol: string): [number, number] => {
      const k = symbolIndex.get(symbol);
      return k === undefined || runStart[k] < 0 ? [0, 0] : [runStart[k], runEnd[k]];
    };
    for (const symbol of signalsAppend) {
      if (signalsFrom.has(symbol)) throw new RangeError(`signals of ${symbol} are both appended and replaced`);
      const [a, b] = range(symbol);
      for (let i = a; i < b; i++) this.s.insertRecent.run(symbol, c.dates[i], codes[c.kindIndex[i]], c.values[i]);
    }
    const clearedAll = clearedBefore || this.clearAllSignalsIfReplaced(signalsFrom);
    for (const [symbol, from] of signalsFrom) {
      const [a, b] = range(symbol);
      if (from !== null && a < b && c.dates[a] < from) {
        throw new RangeError(
          `signal of ${symbol} on day ${c.dates[a]} is before the replaced span starting on day ${from}`,
        );
      }
      // The stored signals that stay (all of them before `from`), folded back into the year blobs.
      let kept: YearSignals | null = null;
      if (from !== null) {
        const stored = this.storedSignals(symbol);
        const keep = lowerBound(stored.dates, from);
        kept = {
          dates: stored.dates.subarray(0, keep),
          kinds: stored.kinds.subarray(0, keep),
          values: stored.values.subarray(0, keep),
        };
      }
      if (!clearedAll) {
        this.s.deleteSignals.run(symbol);
        this.s.deleteRecent.run(symbol);
      }
      const fresh: YearSignals = {
        dates: c.dates.subarray(a, b),
        kinds: new Uint8Array(b - a),
        values: c.values.subarray(a, b),
      };
      for (let i = a; i < b; i++) fresh.kinds[i - a] = codes[c.kindIndex[i]];
      this.putYears(symbol, kept ? concatYears(kept, fresh) : fresh);
    }
  }

  /** A symbol's stored signals, blobs and recent rows, in date order. */
  private storedSignals(symbol: string): YearSignals {
    const parts: YearSignals[] = [];
    for (const row of [...this.s.symbolSignals.all(symbol, MIN_YEAR)].reverse())
      parts.push(decodeYear(row[2], row[3], row[4]));
    const recent = this.s.recentOfSymbol.all(symbol, MIN_DAY);
    parts.push({
      dates: Int32Array.from(recent, (r) => r[1]),
      kinds: Uint8Array.from(recent, (r) => r[2]),
      values: Float64Array.from(recent, (r) => r[3]),
    });
    return parts.reduce(concatYears);
  }

  /** Writes a symbol's signals (by date) as one blob row per calendar year. */
  private putYears(symbol: string, col: YearSignals): void {
    const n = col.dates.length;
    for (let i = 0; i < n; ) {
      const year = yearOfDay(col.dates[i]);
      const j = lowerBoundIn(col.dates, i, n, firstDayOfYear(year + 1));
      this.putYear(symbol, year, {
        dates: col.dates.subarray(i, j),
        kinds: col.kinds.subarray(i, j),
        values: col.values.subarray(i, j),
      });
      i = j;
    }
  }

  /**
   * A whole-market run replaces every ticker's signals: when the stored ones all belong to replaced
   * symbols, one DELETE of the table (which SQLite truncates) beats 100,000 row deletes. True when done.
   */
  private clearAllSignalsIfReplaced(signalsFrom: ReadonlyMap<string, number | null>): boolean {
    if (signalsFrom.size < 1000) return false;
    for (const from of signalsFrom.values()) if (from !== null) return false;
    for (const symbol of this.s.signalSymbols.all()) if (!signalsFrom.has(symbol)) return false;
    for (const symbol of this.s.recentSymbols.all()) if (!signalsFrom.has(symbol)) return false;
    this.s.deleteAllSignals.run();
    this.s.deleteAllRecent.run();
    return true;
  }

  private putYear(symbol: string, year: number, col: YearSignals): void {
    const n = col.dates.length;
    if (n === 0) {
      this.s.deleteSignalYear.run(symbol, year);
      return;
    }
    this.s.putSignalYear.run(
      symbol,
      year,
      n,
      col.dates[0],
      col.dates[n - 1],
      typedArrayToBuffer(col.dates),
      Buffer.from(col.kinds.buffer, col.kinds.byteOffset, col.kinds.byteLength),
      typedArrayToBuffer(col.values),
    );
  }
}

/** The repository's statements, prepared on first use (a store opened at an older schema never prepares them). */
function prepareStatements(db: Database.Database) {
  return {
    putRow: db.prepare<[string, number, string]>(
      `INSERT INTO analysis_tickers (symbol, row_date, row) VALUES (?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET row_date = excluded.row_date, row = excluded.row`,
    ),
    putRowAndState: db.prepare<[string, number, string, number, number, Buffer | null]>(
      `INSERT INTO analysis_tickers (symbol, row_date, row, bar_version, last_date, state) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET row_date = excluded.row_date, row = excluded.row,
         bar_version = excluded.bar_version, last_date = excluded.last_date, state = excluded.state`,
    ),
    rows: db.prepare<[], string>('SELECT row FROM analysis_tickers WHERE row IS NOT NULL ORDER BY symbol').pluck(),
    row: db.prepare<[string], string | null>('SELECT row FROM analysis_tickers WHERE symbol = ?').pluck(),
    deleteTicker: db.prepare<[string]>('DELETE FROM analysis_tickers WHERE symbol = ?'),
    // Upserts update rows in place; INSERT OR REPLACE would delete and re-insert them.
    putSignalYear: db.prepare<[string, number, number, number, number, Buffer, Buffer, Buffer]>(
      `INSERT INTO signals (symbol, year, n, first_date, last_date, dates, kinds, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (symbol, year) DO UPDATE SET n = excluded.n, first_date = excluded.first_date,
         last_date = excluded.last_date, dates = excluded.dates, kinds = excluded.kinds, vals = excluded.vals`,
    ),
    deleteSignals: db.prepare<[string]>('DELETE FROM signals WHERE symbol = ?'),
    deleteSignalYear: db.prepare<[string, number]>('DELETE FROM signals WHERE symbol = ? AND year = ?'),
    deleteAllSignals: db.prepare('DELETE FROM signals'),
    deleteAllRecent: db.prepare('DELETE FROM signals_recent'),
    recentSymbols: db.prepare<[], string>('SELECT DISTINCT symbol FROM signals_recent').pluck(),
    insertRecent: db.prepare<[string, number, number, number]>(
      'INSERT INTO signals_recent (symbol, date, kind, value) VALUES (?, ?, ?, ?)',
    ),
    deleteRecent: db.prepare<[string]>('DELETE FROM signals_recent WHERE symbol = ?'),
    clearSuperseded: db.prepare<[string]>('DELETE FROM bars_superseded WHERE symbol = ?'),
    recentOfSymbol: db
      .prepare<[string, number], RecentRow>(
        'SELECT symbol, date, kind, value FROM signals_recent WHERE symbol = ? AND date >= ? ORDER BY date',
      )
      .raw(),
    recentSince: db
      .prepare<[number], RecentRow>('SELECT symbol, date, kind, value FROM signals_recent WHERE date >= ?')
      .raw(),
    signalSymbols: db.prepare<[], string>('SELECT DISTINCT symbol FROM signals').pluck(),
    symbolSignals: db
      .prepare<[string, number], SignalYearRow>(
        'SELECT symbol, year, dates, kinds, vals FROM signals WHERE symbol = ? AND year >= ? ORDER BY year DESC',
      )
      .raw(),
    signalYears: db
      .prepare<[number], number>('SELECT DISTINCT year FROM signals WHERE year >= ? ORDER BY year DESC')
      .pluck(),
    yearSignals: db
      .prepare<[number, number], SignalYearRow>(
        'SELECT symbol, year, dates, kinds, vals FROM signals WHERE year = ? AND last_date >= ? ORDER BY symbol',
      )
      .raw(),
    putBreadth: db.prepare<[string, string, number, number | null, number | null, Buffer, string, Buffer]>(
      'INSERT OR REPLACE INTO breadth (universe, scope, n, first_date, last_date, dates, fields, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteBreadth: db.prepare<[string]>('DELETE FROM breadth WHERE universe = ?'),
    breadth: db.prepare<[string, string], BreadthRow>(
      'SELECT scope, n, dates, fields, data FROM breadth WHERE universe = ? AND scope = ?',
    ),
    scopes: db.prepare<[string], string>('SELECT scope FROM breadth WHERE universe = ? ORDER BY scope').pluck(),
    putBreadthState: db.prepare<[string, Buffer, number]>(
      'INSERT OR REPLACE INTO breadth_state (universe, state, updated_at) VALUES (?, ?, ?)',
    ),
    deleteBreadthState: db.prepare<[string]>('DELETE FROM breadth_state WHERE universe = ?'),
    breadthState: db.prepare<[string], Buffer>('SELECT state FROM breadth_state WHERE universe = ?').pluck(),
    putState: db.prepare<[string, number, number, Buffer | null]>(
      `INSERT INTO analysis_tickers (symbol, bar_version, last_date, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET bar_version = excluded.bar_version, last_date = excluded.last_date,
         state = excluded.state`,
    ),
    states: db.prepare<[], AnalysisStateRow>(
      'SELECT symbol, bar_version, last_date, state FROM analysis_tickers WHERE bar_version IS NOT NULL',
    ),
    state: db.prepare<[string], AnalysisStateRow>(
      'SELECT symbol, bar_version, last_date, state FROM analysis_tickers WHERE symbol = ? AND bar_version IS NOT NULL',
    ),
  };
}
