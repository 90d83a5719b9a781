import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface BackgroundWalCheckpointerOptions {
  /**
   * Commits this process makes before the worker starts (default 256); small jobs never start one. A daily
   * update of 2,000 tickers (~200 commits of ~10) is one of them: measured on 2 cores, starting the worker
   * at 32 commits instead made no difference to its throughput (the one ~7 ms checkpoint it saves is about
   * what the worker's start costs).
   */
  startAfterCommits?: number;
  /** How often the worker checkpoints, ms (default 250). */
  intervalMs?: number;
  /** How long the worker's connection waits for a lock when it opens, ms. */
  busyTimeoutMs?: number;
}

/** SQLite's own default: the COMMIT that takes the log past this many pages checkpoints it. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
/**
 * While the worker runs, the writer still checkpoints itself past this many log pages (~40 MB): a bound on
 * the log should the worker fall behind or die, far above what the worker lets it reach.
 */
export const BACKSTOP_AUTOCHECKPOINT = 10_000;

/**
 * The worker: its own connection to the file, a PASSIVE checkpoint every interval. PASSIVE never waits for
 * the writer or readers; it copies what it can and the next round does the rest.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A lock held elsewhere or a full disk: the next round tries again, and the writer's backstop bounds the log.
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
  parentPort.close();
});
`;

/**
 * Checkpoints the write-ahead log from a worker thread, so that the thread writing tickers never waits for a
 * checkpoint. SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1000 pages and,
 * with synchronous=NORMAL, syncs the log and the database file: tens of ms on a slow disk every few hundred
 * tickers, during which a fetch's event loop reads no response and its request slots sit idle. The worker is
 * started only once the process has committed `startAfterCommits` writes; until then, and if it fails, the
 * writer checkpoints itself as SQLite does by default.
 */
export class BackgroundWalCheckpointer {
  private commits = 0;
  private worker: Worker | null = null;
  private disabled = false;
  private readonly startAfterCommits: number;
  private readonly intervalMs: number;
  private readonly busyTimeoutMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly location: string,
    options: BackgroundWalCheckpointerOptions = {},
  ) {
    this.startAfterCommits = options.startAfterCommits ?? 256;
    this.intervalMs = options.intervalMs ?? 250;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  /** True while the worker checkpoints (for status and tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Called after each write transaction; starts the worker once enough have been committed. */
  noteCommit(): void {
    if (this.worker !== null || this.disabled || ++this.commits < this.startAfterCommits) return;
    this.start();
  }

  private start(): void {
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver, path: this.location, intervalMs: this.intervalMs, busyTimeoutMs: this.busyTimeoutMs },
      });
      // A process that forgets close() still exits.
      worker.unref();
      worker.on('error', () => this.fallBack(worker));
      worker.on('exit', () => this.fallBack(worker));
      this.worker = worker;
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT}`);
    } catch {
      this.fallBack(null);
    }
  }

  /** The worker is gone (or never came): the writer checkpoints itself again, as SQLite does by default. */
  private fallBack(worker: Worker | null): void {
    if (worker !== null && this.worker !== worker) return;
    this.worker = null;
    this.disabled = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  }

  /** Stops the worker and closes its connection; call before closing the writer's connection. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.disabled = true;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    // A checkpoint in progress finishes first; a worker that does not stop in time is ended.
    const timeout = setTimeout(() => void worker.terminate(), 5_000);
    try {
      await exited;
    } finally {
      clearTimeout(timeout);
    }
  }
}
