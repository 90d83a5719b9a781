import { checkReadableVersion } from '../schema-version.js';
import type { AnalysisRepo, Store, StoreInfo } from '../store.js';
import { PG_MIGRATIONS, type PgMigration, runPgMigrations } from './migrations/index.js';
import { PgAnalysisRepo } from './pg-analysis-repo.js';
import { PgBarRepo } from './pg-bar-repo.js';
import { PgDashboardCacheRepo } from './pg-dashboard-cache-repo.js';
import { isPostgresUrl, maskConnectionString, PgDb } from './pg-db.js';
import { PgFetchStateRepo } from './pg-fetch-state-repo.js';
import { PgJobRunRepo } from './pg-job-run-repo.js';
import { PgPortfolioRepo } from './pg-portfolio-repo.js';
import { PgQuoteRepo } from './pg-quote-repo.js';
import { PgRejectRepo } from './pg-reject-repo.js';
import { PgReportRepo } from './pg-report-repo.js';
import { PgTickerRepo } from './pg-ticker-repo.js';
import { PgUniverseRepo } from './pg-universe-repo.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 8: a worker's concurrent ticker writes plus the server's reads). */
  maxConnections?: number;
  /** Opens without migrating, for commands that only read; an older schema is refused with what to do. */
  readOnly?: boolean;
  /** The schema steps to apply; tests pass a prefix to build a database at an older version. */
  migrations?: readonly PgMigration[];
}

/**
 * The Store on a PostgreSQL server, for many machines sharing one market: fetch workers, analysis and the
 * server each hold a small pool of connections. Same model and contract as the SQLite file; writes of one
 * ticker are one transaction that locks the ticker's row, so workers never lose each other's bars.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly tickers: PgTickerRepo;
  readonly fetchState: PgFetchStateRepo;
  readonly bars: PgBarRepo;
  readonly universes: PgUniverseRepo;
  readonly rejects: PgRejectRepo;
  readonly cache: PgDashboardCacheRepo;
  readonly jobRuns: PgJobRunRepo;
  readonly analysis: AnalysisRepo;
  readonly quotes: PgQuoteRepo;
  readonly portfolios: PgPortfolioRepo;
  readonly reports: PgReportRepo;
  private closed = false;

  private constructor(
    private readonly url: string,
    readonly db: PgDb,
    private readonly schemaVersion: number,
  ) {
    this.tickers = new PgTickerRepo(db);
    this.fetchState = new PgFetchStateRepo(db);
    this.bars = new PgBarRepo(db, this.tickers, this.fetchState);
    this.universes = new PgUniverseRepo(db);
    this.rejects = new PgRejectRepo(db);
    this.cache = new PgDashboardCacheRepo(db);
    this.jobRuns = new PgJobRunRepo(db);
    this.analysis = new PgAnalysisRepo(db);
    this.quotes = new PgQuoteRepo(db);
    this.portfolios = new PgPortfolioRepo(db);
    this.reports = new PgReportRepo(db);
  }

  /** Connects and migrates (or, read-only, checks the schema); fails naming the masked URL and the reason. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    if (!isPostgresUrl(url)) {
      throw new Error(
        `database URL ${JSON.stringify(maskConnectionString(url))} is not valid; expected postgres://user@host:port/database`,
      );
    }
    const location = maskConnectionString(url);
    const db = new PgDb(url, options.maxConnections ?? 8);
    try {
      const migrations = options.migrations ?? PG_MIGRATIONS;
      const version = options.readOnly
        ? await readableVersion(db, migrations.length, location)
        : await runPgMigrations(db, migrations, location);
      return new PostgresStore(url, db, version);
    } catch (error) {
      await db.close().catch(() => {});
      const message = (error as Error).message ?? String(error);
      if (message.includes(location)) throw error;
      throw new Error(`cannot open database ${location}: ${message}`, { cause: error });
    }
  }

  get location(): string {
    return maskConnectionString(this.url);
  }

  readerLocation(): string | null {
    return this.url;
  }

  /** Each statement reads a consistent snapshot already, and a batch's reads do not share a lock to amortise. */
  readSnapshot<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async info(): Promise<StoreInfo> {
    const { rows } = await this.db.query<{ size: number }>('SELECT pg_database_size(current_database()) AS size');
    return { kind: this.kind, location: this.location, sizeBytes: rows[0].size, schemaVersion: this.schemaVersion };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}

async function readableVersion(db: PgDb, latest: number, location: string): Promise<number> {
  const { rows } = await db.query<{ v: number | null }>(
    "SELECT CASE WHEN to_regclass('marketdeck_schema') IS NULL THEN 0 END AS v",
  );
  const version =
    rows[0].v === 0
      ? 0
      : ((await db.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM marketdeck_schema')).rows[0].v ??
        0);
  if (version === 0) throw new Error(`database ${location} holds no marketdeck data; run a command that writes first`);
  return checkReadableVersion(version, latest, location);
}
