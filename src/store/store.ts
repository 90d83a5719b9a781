import type { TickerReport } from '../domain/analyst-report.js';
import type { BarSeries } from '../domain/bar-series.js';
import type { BreadthSeries } from '../domain/breadth-series.js';
import type { EpochDay } from '../domain/epoch-day.js';
import type { FetchState } from '../domain/fetch-state.js';
import type { JobRun, JobStatus } from '../domain/job-run.js';
import type { Portfolio, PortfolioSummary, PortfolioTransaction } from '../domain/portfolio.js';
import type { QualityFlag } from '../domain/quality-flag.js';
import type { Quote, StoredQuote } from '../domain/quote.js';
import type { ScreenerRow } from '../domain/screener-row.js';
import type { Signal, SignalKind } from '../domain/signal.js';
import type { Dividend, Split, TickerInfo } from '../domain/ticker.js';

export type { QualityFlag, QualityFlagKind } from '../domain/quality-flag.js';

/**
 * The only state marketdeck keeps. Every part of the system talks to a Store, never to SQL: the embedded
 * SQLite file is the default adapter and a PostgreSQL adapter implements the same interface for many
 * machines. Methods are async so that a networked adapter fits; the SQLite adapter answers synchronously
 * underneath. One concept per repository; each lives in its own file.
 */
export interface Store {
  /** 'sqlite' or 'postgres': for status output and for tests that run one contract over both. */
  readonly kind: string;
  /** Where the data lives (a file path or a connection string with the password masked). */
  readonly location: string;
  /**
   * What another thread or process passes as `db` to openStore to read the same data (analysis worker
   * threads do); null when nothing else can reach it (an in-memory database). Unlike `location` it may hold
   * a password: hand it only to code that opens the store, never to logs or answers.
   */
  readerLocation(): string | null;
  /**
   * Runs `fn`'s reads from one snapshot where that is cheaper than reading alone (the SQLite file takes its
   * shared lock once for a batch of tickers instead of once per ticker); other adapters just run `fn`.
   * `fn` must not write.
   */
  readSnapshot<T>(fn: () => Promise<T>): Promise<T>;
  readonly tickers: TickerRepo;
  readonly bars: BarRepo;
  readonly fetchState: FetchStateRepo;
  readonly universes: UniverseRepo;
  readonly rejects: RejectRepo;
  readonly cache: DashboardCacheRepo;
  readonly jobRuns: JobRunRepo;
  readonly analysis: AnalysisRepo;
  readonly quotes: QuoteRepo;
  readonly portfolios: PortfolioRepo;
  readonly reports: ReportRepo;
  /** System and database health samples (optional: an adapter without it keeps none). */
  readonly healthSamples?: HealthSampleRepo;
  /** Cheap facts about the stored data for coverage and health checks (optional: callers fall back to reads). */
  readonly diagnostics?: DiagnosticsRepo;
  /** Size on disk in bytes, and other facts for `marketdeck status`. */
  info(): Promise<StoreInfo>;
  close(): Promise<void>;
}

export interface StoreInfo {
  kind: string;
  location: string;
  sizeBytes: number;
  schemaVersion: number;
}

export interface TickerRepo {
  /** Inserts or updates; a null or absent field of `info` leaves the stored value as it is. */
  upsert(infos: readonly TickerInfo[]): Promise<void>;
  get(symbol: string): Promise<TickerInfo | null>;
  list(): Promise<TickerInfo[]>;
  /** Symbols of every ticker that has at least one bar, sorted. */
  symbolsWithBars(): Promise<string[]>;
}

/**
 * The latest quote per symbol (market cap, P/E, EPS, dividend yield, 52-week range): one row each, replaced
 * whole by every fetch, since a field the source stopped sending (the P/E of a company now losing money) is
 * no longer true.
 */
export interface QuoteRepo {
  /**
   * Stores the quotes as fetched at `at`, in one transaction that also copies name, exchange, currency,
   * type and market cap onto each symbol's stored ticker where the quote has them (a symbol with no stored
   * ticker gets none: tickers come from history writes and imports).
   */
  upsert(quotes: readonly Quote[], at: Date): Promise<void>;
  get(symbol: string): Promise<StoredQuote | null>;
  /** Every stored quote, by symbol. */
  list(): Promise<StoredQuote[]>;
}

/** Named portfolios: their transactions, replaced whole by each import (re-importing a file changes nothing). */
export interface PortfolioRepo {
  put(portfolio: {
    name: string;
    baseCurrency: string;
    source?: string | null;
    transactions: readonly PortfolioTransaction[];
  }): Promise<void>;
  /** Transactions ascending by date, a day's in the order they were put; null for an unknown name. */
  get(name: string): Promise<Portfolio | null>;
  list(): Promise<PortfolioSummary[]>;
}

/** Deep-analysis reports per ticker, kept per run so a ticker's history of verdicts stays readable. */
export interface ReportRepo {
  add(reports: readonly TickerReport[]): Promise<void>;
  /** The newest report of every ticker (or of the given ones), by symbol. */
  latest(symbols?: readonly string[]): Promise<TickerReport[]>;
  /** One ticker's reports, newest first. */
  forSymbol(symbol: string, limit?: number): Promise<TickerReport[]>;
}

/** Everything one fetch or import learned about a ticker, written in one transaction. */
export interface TickerWrite {
  symbol: string;
  info?: Omit<TickerInfo, 'symbol'>;
  bars?: BarSeries;
  /**
   * 'merge' (default): incoming bars replace stored bars of the same date and the rest are kept.
   * 'replace': the stored history is dropped first (a new split re-adjusts every earlier price).
   */
  mode?: 'merge' | 'replace';
  dividends?: readonly Dividend[];
  splits?: readonly Split[];
  /**
   * A successful fetch, recorded in the same transaction: its flags, and `meta` merged key by key into the
   * per-source fetch memory (as in FetchStateRepo.record).
   */
  fetch?: { source: string; flags?: readonly QualityFlag[]; attemptedAt?: Date; meta?: Record<string, unknown> };
}

export interface TickerWriteResult {
  symbol: string;
  /** Bars whose date was not stored before. */
  barsAdded: number;
  /** Stored bars whose values changed. */
  barsChanged: number;
  barsTotal: number;
  firstDate: EpochDay | null;
  lastDate: EpochDay | null;
}

export interface BarRepo {
  /** One ticker: bars, events, info and fetch state in one transaction; re-running it changes nothing. */
  writeTicker(write: TickerWrite): Promise<TickerWriteResult>;
  /** Many tickers in one transaction (bulk import, appending a day to the whole market). */
  writeTickers(writes: readonly TickerWrite[]): Promise<TickerWriteResult[]>;
  /** A ticker's bars between from and to inclusive (either optional), or null when it has none. */
  read(symbol: string, range?: DateRange): Promise<BarSeries | null>;
  /**
   * The dates and closes alone of each symbol that has bars (between from and to), read from one snapshot:
   * what portfolio figures need, a sixth of the bytes of whole series. Optional: callers fall back to read().
   */
  readCloses?(
    symbols: readonly string[],
    range?: DateRange,
  ): Promise<Map<string, { dates: Int32Array; close: Float64Array }>>;
  /** Streams every ticker's full series (or the given ones), one ticker at a time, symbols ascending. */
  readAll(symbols?: readonly string[]): AsyncIterable<BarSeries>;
  /** Monotonic counter bumped by every write of this ticker's bars; analysis uses it to find changed tickers. */
  versions(): Promise<Map<string, number>>;
  /**
   * Per ticker, the version (as in versions()) of the last write that did more than append bars after the
   * latest stored date: it changed or removed a stored bar, or inserted one before the latest date. Absent
   * for a ticker whose bars were only ever appended. Lets an incremental analysis continue a ticker from
   * its stored state only when its analysed history is untouched; an adapter without it leaves analysis
   * to a fingerprint of each ticker's recent bars, which misses corrections further back.
   */
  historyVersions?(): Promise<Map<string, number>>;
  /**
   * Per ticker, its whole series as it was before a write (or delete) changed already-stored bars in a
   * field analysis reads (dates, open, high, low, close, volume; adjusted close alone does not count). Only
   * the first such series since the ticker's last analysis is kept: incremental breadth subtracts exactly
   * what it counted. Analysis clears them (AnalysisRunWrite.clearSuperseded) when it commits.
   */
  superseded?(symbols?: readonly string[]): Promise<Map<string, SupersededBars>>;
  dividends(symbol: string, range?: DateRange): Promise<Dividend[]>;
  splits(symbol: string, range?: DateRange): Promise<Split[]>;
  stats(): Promise<BarStats>;
  /** Removes a ticker's bars and events (not its info). */
  deleteTicker(symbol: string): Promise<void>;
}

/** A ticker's history before a write rewrote it (BarRepo.superseded). */
export interface SupersededBars {
  bars: BarSeries;
  /** The ticker's bar version (as in versions()) while it held these bars. */
  barVersion: number;
}

export interface DateRange {
  from?: number;
  to?: number;
}

export interface BarStats {
  tickers: number;
  bars: number;
  firstDate: EpochDay | null;
  lastDate: EpochDay | null;
}

export interface FetchStateRepo {
  get(symbol: string, source: string): Promise<FetchState | null>;
  /** Forgets every source's fetch state of a deleted ticker. Optional: a store without it keeps them. */
  forget?(symbol: string): Promise<void>;
  list(source?: string): Promise<FetchState[]>;
  /** Records an attempt; `error` null means success (lastSuccessAt = at). */
  record(update: {
    symbol: string;
    source: string;
    at: Date;
    error: string | null;
    bars?: number;
    flags?: readonly QualityFlag[];
    meta?: Record<string, unknown>;
  }): Promise<void>;
}

export interface UniverseMember {
  symbol: string;
  /** Membership dates where known; breadth over old dates should say which membership it used. */
  from?: EpochDay | null;
  to?: EpochDay | null;
}

export interface UniverseRepo {
  /** Replaces the universe's members. */
  set(name: string, members: readonly UniverseMember[], description?: string): Promise<void>;
  get(name: string): Promise<UniverseMember[] | null>;
  list(): Promise<{ name: string; members: number; description: string | null }[]>;
}

export interface RejectRow {
  source: string;
  /** file:line for imports, the URL or symbol for fetches. */
  location: string;
  symbol: string | null;
  reason: string;
  raw: string;
}

export interface RejectRepo {
  add(rows: readonly RejectRow[]): Promise<void>;
  count(): Promise<number>;
  /** Newest first; `files`: only the rows of these files (any of the spellings given: relative, absolute). */
  list(
    limit?: number,
    filter?: { files?: readonly string[] },
  ): Promise<(RejectRow & { id: number; createdAt: Date })[]>;
}

export interface CacheEntryMeta {
  key: string;
  createdAt: Date;
  expiresAt: Date;
  bytes: number;
}

export interface DashboardCacheRepo {
  /** The value and its dates, expired or not (the caller decides whether stale is acceptable). */
  getEntry(key: string): Promise<{ value: unknown; meta: CacheEntryMeta } | null>;
  /** The entry's dates and size without its value: how a reader holding the bytes learns they were rewritten. */
  getMeta(key: string): Promise<CacheEntryMeta | null>;
  /**
   * Writes many entries in one transaction, so a whole precompute (10,000 ticker summaries and the pages)
   * lands at once and fast; returns the bytes of JSON written.
   */
  setMany(entries: readonly { key: string; value: unknown }[], ttlMinutes: number): Promise<number>;
  clearAll(): Promise<number>;
  list(): Promise<CacheEntryMeta[]>;
}

export interface JobRunRepo {
  create(run: {
    id: string;
    kind: string;
    params: Record<string, unknown>;
    status?: JobStatus;
    owner?: string | null;
    /** When the run was asked for (default now): a migrated run keeps its own. */
    createdAt?: Date;
  }): Promise<JobRun>;
  update(
    id: string,
    patch: Partial<Pick<JobRun, 'status' | 'progress' | 'startedAt' | 'finishedAt' | 'metrics' | 'error'>>,
  ): Promise<void>;
  get(id: string): Promise<JobRun | null>;
  /** `status` may be one status or any of several. */
  list(opts?: {
    kind?: string;
    status?: JobStatus | readonly JobStatus[];
    limit?: number;
    since?: Date;
  }): Promise<JobRun[]>;
  /**
   * Marks queued or running runs as interrupted (called at start-up after a crash); returns how many. With
   * `isOwnerAlive`, runs whose owner process is still alive are left alone; runs with no owner are marked.
   */
  markInterrupted(isOwnerAlive?: (owner: string) => boolean): Promise<number>;
  /** Deletes finished runs older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/**
 * What the analysis step leaves for the pages: a screener row per ticker, dated signals, breadth series per
 * scope, and per-ticker analysis state (what was analysed, at which bar version) for incremental runs.
 */
export interface AnalysisRepo {
  screenerRows(): Promise<ScreenerRow[]>;
  screenerRow(symbol: string): Promise<ScreenerRow | null>;
  signals(opts?: { symbol?: string; kind?: SignalKind; since?: number; limit?: number }): Promise<Signal[]>;
  breadth(universe: string, scope: string, range?: DateRange): Promise<BreadthSeries | null>;
  breadthScopes(universe: string): Promise<string[]>;
  /** Opaque per-ticker state blobs (bar version analysed, resumable indicator state). */
  getStates(symbols?: readonly string[]): Promise<Map<string, AnalysisState>>;
  /**
   * Writes one analysis run in a single transaction, so readers never see rows of one run with breadth of
   * another, and a crash leaves the previous run whole.
   */
  commitRun(run: AnalysisRunWrite): Promise<void>;
  /**
   * Opens the transaction of one analysis run that is written as it is computed (a whole-market run
   * stores each part's signals while the next parts are analysed) and committed whole at the end.
   * `replacing`: symbols every signal of which the run replaces from their first day or deletes. Other
   * connections keep seeing the previous run until the commit; other users of this store object share
   * the open transaction (they see the unfinished run, and their writes commit or roll back with it).
   * Optional: stores without it get commitRun.
   */
  beginRun?(opts: { replacing: ReadonlySet<string> }): Promise<AnalysisRunWriter>;
  /**
   * Whether other users of this store object share an open run's transaction (one connection, as SQLite's):
   * then only a process doing nothing else may write while it computes. False: the run holds a connection
   * of its own, and anyone may.
   */
  readonly runWriterSharesConnection?: boolean;
  /** The opaque breadth counters an incremental run of `universe` continues from (null: none stored). */
  breadthState(universe: string): Promise<Uint8Array | null>;
}

/** An analysis run's open transaction (AnalysisRepo.beginRun); nothing is visible before `commit`. */
export interface AnalysisRunWriter {
  /** Writes part of the run's signals, as commitRun writes `signalsFrom`, `signalsAppend` and `signals`. */
  addSignals(part: Pick<AnalysisRunWrite, 'signalsFrom' | 'signalsAppend' | 'signals'>): Promise<void>;
  /** Writes the rest of the run (whose signals may be empty) and commits everything at once. */
  commit(rest: AnalysisRunWrite): Promise<void>;
  /** Drops everything written since beginRun; the previous run stays whole. */
  abort(): Promise<void>;
}

/** One analysis run's results, for AnalysisRepo.commitRun. */
export interface AnalysisRunWrite {
  /** Upserted by symbol. */
  screenerRows: readonly ScreenerRow[];
  /**
   * Per symbol: its stored signals dated on or after the day (all of them for null) are replaced by its
   * signals in `signals`. Symbols not listed keep theirs.
   */
  signalsFrom: ReadonlyMap<string, number | null>;
  /**
   * Symbols whose signals in `signals` all follow every stored signal of theirs (the new bars of an
   * incremental run): they are added, the stored ones stay untouched. A symbol is in this set or in
   * `signalsFrom`, not both.
   */
  signalsAppend?: ReadonlySet<string>;
  signals: SignalColumns;
  states: readonly AnalysisState[];
  /** Symbols whose rows, signals and states are removed (tickers that no longer have bars). */
  deleteSymbols?: readonly string[];
  /** Tickers whose superseded bar series (BarRepo.superseded) this run accounted for: cleared with it. */
  clearSuperseded?: readonly string[];
  /** Replaces the universe's breadth series (scopes not given are dropped) and its breadth state. */
  breadth?: { universe: string; series: readonly BreadthSeries[]; state: Uint8Array | null };
}

/**
 * Many signals in columns (a whole-market history holds millions, too many for objects): signal i is
 * `kinds[kindIndex[i]]` of `symbols[symbolIndex[i]]` on `dates[i]` with `values[i]`.
 */
export interface SignalColumns {
  symbols: readonly string[];
  kinds: readonly SignalKind[];
  symbolIndex: Int32Array;
  dates: Int32Array;
  kindIndex: Uint8Array;
  values: Float64Array;
}

export interface AnalysisState {
  symbol: string;
  barVersion: number;
  lastDate: number;
  /** Adapter-agnostic bytes the analysis engine owns (e.g. indicator recurrences at the last bar). */
  state: Uint8Array | null;
}

/** One health sample (system, process and database figures at `at`); fields a probe could not read are null. */
export interface HealthSample {
  at: Date;
  values: Record<string, unknown>;
}

/** Health samples, kept for HEALTH_RETENTION_DAYS: one small row a minute. */
export interface HealthSampleRepo {
  add(sample: HealthSample): Promise<void>;
  /** Samples at or after `since`, oldest first. */
  list(since: Date): Promise<HealthSample[]>;
  /** Deletes samples older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** What the database holds and weighs, for the health page. */
export interface DatabaseHealth {
  /** The database file (or the whole database of a server) in bytes. */
  sizeBytes: number;
  /** The write-ahead log beside it (0 when there is none). */
  walBytes: number;
  /** Rows per table. */
  rowCounts: Record<string, number>;
}

export interface DiagnosticsRepo {
  /**
   * Per ticker, how many bars each calendar year holds, without reading a bar: a coverage check compares
   * them with the trading days of each year and reads the dates of the years that differ only.
   */
  barCountsByYear(): Promise<Map<string, Map<number, number>>>;
  databaseHealth(): Promise<DatabaseHealth>;
}
