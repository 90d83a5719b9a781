import { lowerBound } from '../../domain/bar-series.js';
import type { BreadthSeries } from '../../domain/breadth-series.js';
import { firstDayOfYear, yearOfDay } from '../../domain/epoch-day.js';
import type { ScreenerRow } from '../../domain/screener-row.js';
import type { Signal, SignalKind } from '../../domain/signal.js';
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
import type { PgDb, Sql } from './pg-db.js';
import { valuesRows } from './values-rows.js';

interface SignalYearRow {
  symbol: string;
  year: number;
  dates: Buffer;
  kinds: Buffer;
  vals: Buffer;
}

/** Rows per multi-row statement: large enough to cost one round trip per few thousand tickers' years. */
const ROWS_PER_STATEMENT = 2000;

/**
 * The analysis tables of the PostgreSQL store, laid out as the SQLite store's: one screener row and state
 * per ticker, each ticker's signals as one blob row per calendar year, breadth as columns per scope. Every
 * write of a run is a handful of multi-row statements (arrays unnested into rows) inside one transaction.
 */
export class PgAnalysisRepo implements AnalysisRepo {
  constructor(private readonly db: PgDb) {}

  async screenerRows(): Promise<ScreenerRow[]> {
    const { rows } = await this.db.query<{ row: string }>(
      'SELECT row FROM analysis_tickers WHERE row IS NOT NULL ORDER BY symbol COLLATE "C"',
    );
    return rows.map((r) => JSON.parse(r.row) as ScreenerRow);
  }

  async screenerRow(symbol: string): Promise<ScreenerRow | null> {
    const { rows } = await this.db.query<{ row: string | null }>('SELECT row FROM analysis_tickers WHERE symbol = $1', [
      symbol,
    ]);
    return rows[0]?.row ? (JSON.parse(rows[0].row) as ScreenerRow) : null;
  }

  /** Newest first (then by symbol and kind); `since` is an inclusive EpochDay. */
  async signals(opts: { symbol?: string; kind?: SignalKind; since?: number; limit?: number } = {}): Promise<Signal[]> {
    const since = opts.since ?? MIN_DAY;
    const kindFilter = opts.kind === undefined ? -1 : kindCode(opts.kind);
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    const firstYear = opts.since === undefined ? MIN_YEAR : yearOfDay(opts.since);
    const out: Signal[] = [];
    const collect = (rows: readonly SignalYearRow[]) => {
      for (const r of rows) {
        const col = decodeYear(r.dates, r.kinds, r.vals);
        collectYearSignals(out, r.symbol, col, since, kindFilter);
      }
    };
    if (opts.symbol !== undefined) {
      collect(
        (
          await this.db.query<SignalYearRow>(
            'SELECT symbol, year, dates, kinds, vals FROM signals WHERE symbol = $1 AND year >= $2',
            [opts.symbol, firstYear],
          )
        ).rows,
      );
    } else {
      const years = await this.db.query<{ year: number }>(
        'SELECT DISTINCT year FROM signals WHERE year >= $1 ORDER BY year DESC',
        [firstYear],
      );
      for (const { year } of years.rows) {
        collect(
          (
            await this.db.query<SignalYearRow>(
              'SELECT symbol, year, dates, kinds, vals FROM signals WHERE year = $1 AND last_date >= $2',
              [year, since],
            )
          ).rows,
        );
        // Earlier years only hold older signals: stop once the limit is met from this year on.
        if (Number.isFinite(limit)) {
          if (signalsFromYear(out, year) >= limit) break;
        }
      }
    }
    return newestSignalsFirst(out, limit);
  }

  async breadth(universe: string, scope: string, range?: DateRange): Promise<BreadthSeries | null> {
    const { rows } = await this.db.query<{ n: number; dates: Buffer; fields: string; data: Buffer }>(
      'SELECT n, dates, fields, data FROM breadth WHERE universe = $1 AND scope = $2',
      [universe, scope],
    );
    return rows[0] ? decodeBreadthRow(scope, rows[0], range) : null;
  }

  async breadthScopes(universe: string): Promise<string[]> {
    const { rows } = await this.db.query<{ scope: string }>(
      'SELECT scope FROM breadth WHERE universe = $1 ORDER BY scope COLLATE "C"',
      [universe],
    );
    return rows.map((r) => r.scope);
  }

  async getStates(symbols?: readonly string[]): Promise<Map<string, AnalysisState>> {
    const { rows } = await this.db.query<AnalysisStateRow>(
      `SELECT symbol, bar_version, last_date, state FROM analysis_tickers
       WHERE bar_version IS NOT NULL AND ($1::text[] IS NULL OR symbol = ANY($1::text[]))`,
      [symbols ? [...symbols] : null],
    );
    return new Map(rows.map((r) => [r.symbol, analysisStateFromRow(r)]));
  }

  async commitRun(run: AnalysisRunWrite): Promise<void> {
    validateColumns(run.signals);
    await this.db.tx((sql) => commitIn(sql, run));
  }

  /** The run's transaction holds a connection of its own: the store's other users never join it. */
  readonly runWriterSharesConnection = false;

  /**
   * A transaction on a connection of its own: each part's signals are written while the next parts are
   * analysed, and other connections keep reading the previous run until the commit.
   */
  async beginRun(_opts: { replacing: ReadonlySet<string> }): Promise<AnalysisRunWriter> {
    const tx = await this.db.begin();
    // One connection runs one statement at a time: parts handed in while one is written wait their turn.
    let turn: Promise<unknown> = Promise.resolve();
    const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
      const next = turn.then(fn, fn);
      turn = next.catch(() => {});
      return next;
    };
    let open = true;
    const fail = async (error: unknown): Promise<never> => {
      open = false;
      await tx.rollback().catch(() => {});
      throw error;
    };
    const ensureOpen = () => {
      if (!open) throw new Error('the analysis run was already committed or aborted');
    };
    return {
      addSignals: (part) =>
        inTurn(async () => {
          ensureOpen();
          try {
            validateColumns(part.signals);
            await replaceSignalsIn(tx.sql, part.signalsFrom, part.signalsAppend ?? new Set(), part.signals);
          } catch (error) {
            await fail(error);
          }
        }),
      commit: (rest) =>
        inTurn(async () => {
          ensureOpen();
          try {
            validateColumns(rest.signals);
            await commitIn(tx.sql, rest);
          } catch (error) {
            await fail(error);
          }
          open = false;
          await tx.commit();
        }),
      abort: () =>
        inTurn(async () => {
          if (!open) return;
          open = false;
          await tx.rollback();
        }),
    };
  }

  async breadthState(universe: string): Promise<Uint8Array | null> {
    const { rows } = await this.db.query<{ state: Buffer }>('SELECT state FROM breadth_state WHERE universe = $1', [
      universe,
    ]);
    return rows[0] ? new Uint8Array(rows[0].state) : null;
  }
}

/** One analysis run, inside the caller's transaction: a crash before its commit leaves the previous run whole. */
async function commitIn(sql: Sql, run: AnalysisRunWrite): Promise<void> {
  if (run.clearSuperseded && run.clearSuperseded.length > 0) {
    await sql.query('DELETE FROM bars_superseded WHERE symbol = ANY($1::text[])', [[...run.clearSuperseded]]);
  }
  if (run.deleteSymbols && run.deleteSymbols.length > 0) {
    const gone = [...run.deleteSymbols];
    await sql.query('DELETE FROM analysis_tickers WHERE symbol = ANY($1::text[])', [gone]);
    await sql.query('DELETE FROM signals WHERE symbol = ANY($1::text[])', [gone]);
  }
  await putTickers(sql, run.screenerRows, run.states);
  await replaceSignalsIn(sql, run.signalsFrom, run.signalsAppend ?? new Set(), run.signals);
  if (run.breadth) {
    await writeBreadthIn(sql, run.breadth.universe, run.breadth.series);
    if (run.breadth.state) {
      await sql.query(
        `INSERT INTO breadth_state (universe, state, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (universe) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [run.breadth.universe, toBuffer(run.breadth.state), Date.now()],
      );
    } else {
      await sql.query('DELETE FROM breadth_state WHERE universe = $1', [run.breadth.universe]);
    }
  }
}

/**
 * Upserts screener rows and analysis states by symbol: a ticker with both gets one row write; a row alone
 * keeps the stored state and a state alone keeps the stored row.
 */
async function putTickers(sql: Sql, rows: readonly ScreenerRow[], states: readonly AnalysisState[]): Promise<void> {
  const stateOf = new Map(states.map((s) => [s.symbol, s]));
  const rowOf = new Map(rows.map((r) => [r.symbol, r]));
  const both = [...rowOf.values()].filter((r) => stateOf.has(r.symbol));
  const rowsOnly = [...rowOf.values()].filter((r) => !stateOf.has(r.symbol));
  const statesOnly = [...stateOf.values()].filter((s) => !rowOf.has(s.symbol));
  const stateBytes = (s: AnalysisState) => (s.state ? toBuffer(s.state) : null);
  for (const part of slices(both)) {
    const st = part.map((r) => stateOf.get(r.symbol)!);
    await sql.query(
      `INSERT INTO analysis_tickers (symbol, row_date, row, bar_version, last_date, state)
       VALUES ${valuesRows(part.length, 6)}
       ON CONFLICT (symbol) DO UPDATE SET row_date = excluded.row_date, row = excluded.row,
         bar_version = excluded.bar_version, last_date = excluded.last_date, state = excluded.state`,
      part.flatMap((r, i) => [
        r.symbol,
        r.date,
        JSON.stringify(r),
        st[i].barVersion,
        st[i].lastDate,
        stateBytes(st[i]),
      ]),
    );
  }
  for (const part of slices(rowsOnly)) {
    await sql.query(
      `INSERT INTO analysis_tickers (symbol, row_date, row) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
       ON CONFLICT (symbol) DO UPDATE SET row_date = excluded.row_date, row = excluded.row`,
      [part.map((r) => r.symbol), part.map((r) => r.date), part.map((r) => JSON.stringify(r))],
    );
  }
  for (const part of slices(statesOnly)) {
    await sql.query(
      `INSERT INTO analysis_tickers (symbol, bar_version, last_date, state) VALUES ${valuesRows(part.length, 4)}
       ON CONFLICT (symbol) DO UPDATE SET bar_version = excluded.bar_version, last_date = excluded.last_date,
         state = excluded.state`,
      part.flatMap((s) => [s.symbol, s.barVersion, s.lastDate, stateBytes(s)]),
    );
  }
}

async function writeBreadthIn(sql: Sql, universe: string, series: readonly BreadthSeries[]): Promise<void> {
  await sql.query('DELETE FROM breadth WHERE universe = $1', [universe]);
  for (const s of series) {
    const row = encodeBreadthRow(universe, s);
    await sql.query(
      `INSERT INTO breadth (universe, scope, n, first_date, last_date, dates, fields, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (universe, scope) DO UPDATE SET n = excluded.n, first_date = excluded.first_date,
         last_date = excluded.last_date, dates = excluded.dates, fields = excluded.fields, data = excluded.data`,
      [universe, s.scope, row.n, row.firstDate, row.lastDate, row.dates, row.fields, row.data],
    );
  }
}

/**
 * Appends the signals of `signalsAppend` symbols to their stored ones; for each symbol of `signalsFrom`,
 * replaces its stored signals from its `from` day (all of them for null). Only the years from the first
 * changed one are read and rewritten: earlier years keep their rows.
 */
async function replaceSignalsIn(
  sql: Sql,
  signalsFrom: ReadonlyMap<string, number | null>,
  signalsAppend: ReadonlySet<string>,
  input: SignalColumns,
): Promise<void> {
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
  const fresh = (symbol: string): YearSignals => {
    const k = symbolIndex.get(symbol);
    const [a, b] = k === undefined || runStart[k] < 0 ? [0, 0] : [runStart[k], runEnd[k]];
    const kinds = new Uint8Array(b - a);
    for (let i = a; i < b; i++) kinds[i - a] = codes[c.kindIndex[i]];
    return { dates: c.dates.subarray(a, b), kinds, values: c.values.subarray(a, b) };
  };
  // Per symbol, the first year whose stored row is rewritten (null: every row goes).
  const rewriteFrom = new Map<string, number | null>();
  const news = new Map<string, YearSignals>();
  for (const symbol of signalsAppend) {
    if (signalsFrom.has(symbol)) throw new RangeError(`signals of ${symbol} are both appended and replaced`);
    const f = fresh(symbol);
    if (f.dates.length === 0) continue;
    news.set(symbol, f);
    rewriteFrom.set(symbol, yearOfDay(f.dates[0]));
  }
  const fromDay = new Map<string, number>();
  for (const [symbol, from] of signalsFrom) {
    const f = fresh(symbol);
    if (from !== null && f.dates.length > 0 && f.dates[0] < from) {
      throw new RangeError(
        `signal of ${symbol} on day ${f.dates[0]} is before the replaced span starting on day ${from}`,
      );
    }
    news.set(symbol, f);
    rewriteFrom.set(symbol, from === null ? null : yearOfDay(from));
    if (from !== null) fromDay.set(symbol, from);
  }
  if (rewriteFrom.size === 0) return;
  // The stored rows of the rewritten years that hold signals to keep: appends keep all of theirs, a
  // replacement keeps those before its day.
  const partial = [...rewriteFrom].filter((e): e is [string, number] => e[1] !== null);
  const stored = new Map<string, YearSignals[]>();
  for (const part of slices(partial)) {
    const { rows } = await sql.query<SignalYearRow>(
      `SELECT s.symbol, s.year, s.dates, s.kinds, s.vals FROM signals s
       JOIN unnest($1::text[], $2::int[]) AS x(sym, y) ON s.symbol = x.sym AND s.year >= x.y
       ORDER BY s.symbol, s.year`,
      [part.map((e) => e[0]), part.map((e) => e[1])],
    );
    for (const r of rows) {
      let list = stored.get(r.symbol);
      if (!list) stored.set(r.symbol, (list = []));
      list.push(decodeYear(r.dates, r.kinds, r.vals));
    }
  }
  const whole = [...rewriteFrom].filter((e) => e[1] === null).map((e) => e[0]);
  for (const part of slices(whole)) await sql.query('DELETE FROM signals WHERE symbol = ANY($1::text[])', [part]);
  for (const part of slices(partial)) {
    await sql.query(
      `DELETE FROM signals s USING unnest($1::text[], $2::int[]) AS x(sym, y) WHERE s.symbol = x.sym AND s.year >= x.y`,
      [part.map((e) => e[0]), part.map((e) => e[1])],
    );
  }
  const rows = new YearRows();
  for (const [symbol, f] of news) {
    let all = f;
    const old = stored.get(symbol);
    if (old && old.length > 0) {
      let kept = old.reduce(concatYears);
      const from = fromDay.get(symbol);
      if (from !== undefined) {
        const keep = lowerBound(kept.dates, from);
        kept = {
          dates: kept.dates.subarray(0, keep),
          kinds: kept.kinds.subarray(0, keep),
          values: kept.values.subarray(0, keep),
        };
      }
      all = concatYears(kept, f);
    }
    rows.addSymbol(symbol, all);
    if (rows.length >= ROWS_PER_STATEMENT) await rows.flush(sql);
  }
  await rows.flush(sql);
}

/** The columns of a signal year row, in the order YearRows gathers their parameters. */
const YEAR_ROW_WIDTH = 8;

/** Signal year rows gathered for one multi-row insert: their parameters, row after row. */
class YearRows {
  private params: unknown[] = [];

  get length(): number {
    return this.params.length / YEAR_ROW_WIDTH;
  }

  /** A symbol's signals (by date), one row per calendar year. */
  addSymbol(symbol: string, col: YearSignals): void {
    const n = col.dates.length;
    for (let i = 0; i < n; ) {
      const year = yearOfDay(col.dates[i]);
      const j = lowerBoundIn(col.dates, i, n, firstDayOfYear(year + 1));
      this.params.push(
        symbol,
        year,
        j - i,
        col.dates[i],
        col.dates[j - 1],
        Buffer.from(typedArrayToBuffer(col.dates.subarray(i, j))),
        Buffer.from(col.kinds.subarray(i, j)),
        Buffer.from(typedArrayToBuffer(col.values.subarray(i, j))),
      );
      i = j;
    }
  }

  async flush(sql: Sql): Promise<void> {
    if (this.params.length === 0) return;
    await sql.query(
      `INSERT INTO signals (symbol, year, n, first_date, last_date, dates, kinds, vals)
       VALUES ${valuesRows(this.length, YEAR_ROW_WIDTH)}`,
      this.params,
    );
    this.params = [];
  }
}

function* slices<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) yield items.slice(i, i + ROWS_PER_STATEMENT);
}
