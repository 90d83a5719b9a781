import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { AnalysisRepo, Store, StoreInfo } from '../store.js';
import { BackgroundWalCheckpointer, type BackgroundWalCheckpointerOptions } from './background-wal-checkpointer.js';
import { MIGRATIONS, type Migration, runMigrations } from './migrations/index.js';
import { SqliteAnalysisRepo } from './sqlite-analysis-repo.js';
import { SqliteBarRepo } from './sqlite-bar-repo.js';
import { SqliteDashboardCacheRepo } from './sqlite-dashboard-cache-repo.js';
import { SqliteFetchStateRepo } from './sqlite-fetch-state-repo.js';
import { SqliteJobRunRepo } from './sqlite-job-run-repo.js';
import { SqlitePortfolioRepo } from './sqlite-portfolio-repo.js';
import { SqliteQuoteRepo } from './sqlite-quote-repo.js';
import { SqliteRejectRepo } from './sqlite-reject-repo.js';
import { SqliteReportRepo } from './sqlite-report-repo.js';
import { SqliteTickerRepo } from './sqlite-ticker-repo.js';
import { SqliteUniverseRepo } from './sqlite-universe-repo.js';

export interface SqliteStoreOptions {
  /** The schema steps to apply; tests pass a prefix to build a file at an older version. */
  migrations?: readonly Migration[];
  /** How long a write waits for another process's write lock before failing, in ms. */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the write-ahead log from a worker thread once this process has written many tickers
   * (see BackgroundWalCheckpointer); false keeps SQLite's own checkpoints. Default on for files.
   */
  backgroundCheckpoint?: boolean | BackgroundWalCheckpointerOptions;
}

/**
 * The embedded default Store: one SQLite file in WAL mode, so the server and dashboards keep reading
 * while a fetch or import writes from another process. better-sqlite3 is synchronous; the async
 * methods only keep the Store interface open to networked adapters.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly tickers: SqliteTickerRepo;
  readonly fetchState: SqliteFetchStateRepo;
  readonly bars: SqliteBarRepo;
  readonly universes: SqliteUniverseRepo;
  readonly rejects: SqliteRejectRepo;
  readonly cache: SqliteDashboardCacheRepo;
  readonly jobRuns: SqliteJobRunRepo;
  readonly analysis: AnalysisRepo;
  readonly quotes: SqliteQuoteRepo;
  readonly portfolios: SqlitePortfolioRepo;
  readonly reports: SqliteReportRepo;
  private closed = false;
  /** Null for `:memory:` stores and when turned off. */
  readonly checkpointer: BackgroundWalCheckpointer | null;

  private constructor(
    readonly location: string,
    /** The connection, for adapters' own tables (analysis) and tests; everything else goes through the repos. */
    readonly db: Database.Database,
    private readonly schemaVersion: number,
    checkpointer: BackgroundWalCheckpointer | null = null,
  ) {
    this.checkpointer = checkpointer;
    this.tickers = new SqliteTickerRepo(db);
    this.fetchState = new SqliteFetchStateRepo(db);
    this.bars = new SqliteBarRepo(db, this.tickers, this.fetchState, () => checkpointer?.noteCommit());
    this.universes = new SqliteUniverseRepo(db);
    this.rejects = new SqliteRejectRepo(db);
    this.cache = new SqliteDashboardCacheRepo(db);
    this.jobRuns = new SqliteJobRunRepo(db);
    this.analysis = new SqliteAnalysisRepo(db);
    this.quotes = new SqliteQuoteRepo(db);
    this.portfolios = new SqlitePortfolioRepo(db);
    this.reports = new SqliteReportRepo(db);
  }

  /** Opens (creating the file and its folder if needed) and migrates; `:memory:` gives a private in-memory store. */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const memory = path === ':memory:';
    const location = memory ? path : resolve(path);
    if (!memory) mkdirSync(dirname(location), { recursive: true });
    let db: Database.Database | undefined;
    try {
      db = new Database(location, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a power cut can lose the last commits but never corrupts the file.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Keeps the b-tree interior pages of bars and tickers cached through a market-wide write.
      db.pragma('cache_size = -32768');
      // Reading the file through a memory map skips a read() system call and a copy per page, which is
      // most of SQLite's share of loading every bar of the market (SQLite caps the map at its own maximum).
      if (!memory) db.pragma(`mmap_size = ${2 ** 31}`);
      const version = runMigrations(db, options.migrations ?? MIGRATIONS, location);
      const background = options.backgroundCheckpoint ?? true;
      const checkpointer =
        memory || background === false
          ? null
          : new BackgroundWalCheckpointer(db, location, {
              busyTimeoutMs: options.busyTimeoutMs,
              ...(typeof background === 'object' ? background : {}),
            });
      return new SqliteStore(location, db, version, checkpointer);
    } catch (error) {
      db?.close();
      const message = (error as Error).message ?? String(error);
      // SQLite's own messages ("file is not a database") do not say which file.
      if (message.includes(location)) throw error;
      throw new Error(`cannot open database ${location}: ${message}`, { cause: error });
    }
  }

  async info(): Promise<StoreInfo> {
    return {
      kind: this.kind,
      location: this.location,
      sizeBytes: this.sizeBytes(),
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
    };
  }

  /** The database file plus its write-ahead log (what the data occupies on disk right now). */
  private sizeBytes(): number {
    if (this.location === ':memory:') {
      const pages = this.db.pragma('page_count', { simple: true }) as number;
      return pages * (this.db.pragma('page_size', { simple: true }) as number);
    }
    let total = 0;
    for (const file of [this.location, `${this.location}-wal`]) {
      try {
        total += statSync(file).size;
      } catch {
        // no WAL file between checkpoints
      }
    }
    return total;
  }

  /** The schema version the file was at when opened (after migrating). */
  get openedSchemaVersion(): number {
    return this.schemaVersion;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    // Lets SQLite refresh planner statistics for tables that changed a lot, as its docs advise on close;
    // the analysis limit samples instead of scanning, so closing after a whole-market write stays quick.
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize');
    this.db.close();
  }
}
