import type { BarSeries } from '../domain/bar-series.js';
import type { EpochDay } from '../domain/epoch-day.js';
import type { Dividend, Split, TickerInfo } from '../domain/ticker.js';

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
  readonly tickers: TickerRepo;
  readonly bars: BarRepo;
  readonly fetchState: FetchStateRepo;
  readonly universes: UniverseRepo;
  readonly rejects: RejectRepo;
  readonly cache: DashboardCacheRepo;
  readonly jobRuns: JobRunRepo;
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
  /** Data-quality flags found while reading this ticker's data, kept with its fetch state. */
  fetch?: { source: string; flags?: readonly QualityFlag[]; attemptedAt?: Date };
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
  /** Streams every ticker's full series (or the given ones), one ticker at a time, symbols ascending. */
  readAll(symbols?: readonly string[]): AsyncIterable<BarSeries>;
  /** Monotonic counter bumped by every write of this ticker's bars; analysis uses it to find changed tickers. */
  versions(): Promise<Map<string, number>>;
  dividends(symbol: string, range?: DateRange): Promise<Dividend[]>;
  splits(symbol: string, range?: DateRange): Promise<Split[]>;
  stats(): Promise<BarStats>;
  /** Removes a ticker's bars and events (not its info). */
  deleteTicker(symbol: string): Promise<void>;
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

export type QualityFlagKind =
  | 'suspicious-jump'
  | 'missing-days'
  | 'zero-volume'
  | 'inconsistent-high-low'
  | 'stale-prices'
  | 'negative-or-zero-price';

export interface QualityFlag {
  kind: QualityFlagKind;
  date?: EpochDay | null;
  detail: string;
}

export interface FetchState {
  symbol: string;
  source: string;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  /** Bars stored from this source in the last successful fetch. */
  bars: number;
  flags: QualityFlag[];
  /** Free-form per-source memory (for example the last adjusted close seen, to detect re-adjustment). */
  meta: Record<string, unknown>;
}

export interface FetchStateRepo {
  get(symbol: string, source: string): Promise<FetchState | null>;
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
  list(limit?: number): Promise<(RejectRow & { id: number; createdAt: Date })[]>;
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
  set(key: string, value: unknown, ttlMinutes: number): Promise<void>;
  delete(key: string): Promise<void>;
  clearAll(): Promise<number>;
  list(): Promise<CacheEntryMeta[]>;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface JobProgress {
  done: number;
  total: number;
  stage: string;
  message: string;
}

export interface JobRun {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  status: JobStatus;
  progress: JobProgress | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  metrics: Record<string, unknown> | null;
  error: string | null;
}

export interface JobRunRepo {
  create(run: { id: string; kind: string; params: Record<string, unknown>; status?: JobStatus }): Promise<JobRun>;
  update(
    id: string,
    patch: Partial<Pick<JobRun, 'status' | 'progress' | 'startedAt' | 'finishedAt' | 'metrics' | 'error'>>,
  ): Promise<void>;
  get(id: string): Promise<JobRun | null>;
  list(opts?: { kind?: string; status?: JobStatus; limit?: number; since?: Date }): Promise<JobRun[]>;
  /** Marks every queued or running run as interrupted (called at start-up after a crash); returns how many. */
  markInterrupted(): Promise<number>;
  /** Deletes finished runs older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
