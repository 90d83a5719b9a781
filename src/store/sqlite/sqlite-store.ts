import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { checkReadableVersion } from '../schema-version.js';
import type { AnalysisRepo, Store, StoreInfo } from '../store.js';
import { BackgroundWalCheckpointer, type BackgroundWalCheckpointerOptions } from './background-wal-checkpointer.js';
import { describeOpenFailure, prepareDatabaseFolder, requireDatabaseFile } from './database-file.js';
import { MIGRATIONS, type Migration, runMigrations } from './migrations/index.js';
import { SqliteAnalysisRepo } from './sqlite-analysis-repo.js';
import { SqliteBarRepo } from './sqlite-bar-repo.js';
import { SqliteDashboardCacheRepo } from './sqlite-dashboard-cache-repo.js';
import { SqliteDiagnosticsRepo } from './sqlite-diagnostics-repo.js';
import { SqliteFetchStateRepo } from './sqlite-fetch-state-repo.js';
import { SqliteHealthSampleRepo } from './sqlite-health-sample-repo.js';
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
  /**
   * Opens an existing file for reading only (status, show, export ...): no folder or file is created,
   * nothing migrated or written, so a database on a read-only mount or someone else's file can be read.
   */
  readOnly?: boolean;
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
  readonly healthSamples: SqliteHealthSampleRepo;
  readonly diagnostics: SqliteDiagnosticsRepo;
  private closed = false;
  /** Null for `:memory:` stores and when turned off. */
  readonly checkpointer: BackgroundWalCheckpointer | null;

  private constructor(
    readonly location: string,
    /** The connection, for adapters' own tables (analysis) and tests; everything else goes through the repos. */
    readonly db: Database.Database,
    private readonly schemaVersion: number,
    checkpointer: BackgroundWalCheckpointer | null = null,
    private readonly readOnly = false,
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
    this.healthSamples = new SqliteHealthSampleRepo(db);
    this.diagnostics = new SqliteDiagnosticsRepo(db, location);
  }

  /**
   * Opens (creating the file and its folder if needed) and migrates, or with `readOnly` opens an existing
   * file as it is; `:memory:` gives a private in-memory store. A path that cannot hold a database fails at
   * once naming the path and why.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const memory = path === ':memory:';
    const location = memory ? path : resolve(path);
    const readOnly = options.readOnly === true && !memory;
    if (!memory) {
      if (readOnly) requireDatabaseFile(location);
      else prepareDatabaseFolder(location);
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(location, {
        timeout: options.busyTimeoutMs ?? 5000,
        readonly: readOnly,
        fileMustExist: readOnly,
      });
      if (!readOnly) {
        db.pragma('journal_mode = WAL');
        // NORMAL in WAL mode: a power cut can lose the last commits but never corrupts the file.
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      }
      // Keeps the b-tree interior pages of bars and tickers cached through a market-wide write.
      db.pragma('cache_size = -32768');
      // Reading the file through a memory map skips a read() system call and a copy per page, which is
      // most of SQLite's share of loading every bar of the market (SQLite caps the map at its own maximum).
      if (!memory) db.pragma(`mmap_size = ${2 ** 31}`);
      const migrations = options.migrations ?? MIGRATIONS;
      const version = readOnly
        ? readableVersion(db, migrations.length, location)
        : runMigrations(db, migrations, location);
      const background = options.backgroundCheckpoint ?? true;
      const checkpointer =
        memory || readOnly || background === false
          ? null
          : new BackgroundWalCheckpointer(db, location, {
              busyTimeoutMs: options.busyTimeoutMs,
              ...(typeof background === 'object' ? background : {}),
            });
      return new SqliteStore(location, db, version, checkpointer, readOnly);
    } catch (error) {
      db?.close();
      const message = (error as Error).message ?? String(error);
      // SQLite's own messages ("file is not a database") do not say which file.
      if (message.includes(location)) throw error;
      throw new Error(describeOpenFailure(location, error, readOnly), { cause: error });
    }
  }

  /** The file's path; an in-memory database is this connection's alone. */
  readerLocation(): string | null {
    return this.location === ':memory:' ? null : this.location;
  }

  /** One read transaction around `fn`: a batch of tickers takes the file's shared lock once. */
  async readSnapshot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      this.db.exec('COMMIT');
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
    if (this.readOnly) {
      this.db.close();
      return;
    }
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize');
    if (this.location !== ':memory:') {
      // The last connection leaves the file in rollback-journal mode, whole in one file: then it can be read
      // where nothing may be written (a read-only mount, a copy on a shared drive), which SQLite cannot do
      // for a write-ahead-log file without its -shm beside it. The next writer switches back to WAL.
      try {
        this.db.pragma('busy_timeout = 0');
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // Another connection has the file open: it stays in WAL mode, and that connection's close will do it.
      }
    }
    this.db.close();
  }
}

/** The schema version of a file opened read-only, which cannot be migrated. */
function readableVersion(db: Database.Database, latest: number, location: string): number {
  return checkReadableVersion(db.pragma('user_version', { simple: true }) as number, latest, location);
}
