import type Database from 'better-sqlite3';
import type { JobRun } from '../../domain/job-run.js';
import {
  checkJobStatus as checkStatus,
  type JobCreate,
  type JobPatch,
  type JobRunRow,
  type ListOptions,
  PATCH_COLUMNS,
  jobRunFromRow as toRun,
} from '../job-run-row.js';
import type { JobRunRepo } from '../store.js';
import { toJson, toMs } from '../store-values.js';
import { immediateTransaction } from './immediate-transaction.js';
import { retryWhileBusy } from './retry-while-busy.js';

/**
 * Every job run with its parameters, progress and metrics: the history `marketdeck jobs` shows. Its writes wait
 * out other processes' write locks (see retryWhileBusy): a job record is delayed by a busy database, never lost.
 */
export class SqliteJobRunRepo implements JobRunRepo {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], JobRunRow>;
  private readonly interruptStmt: Database.Statement<[number, string]>;
  private readonly unfinishedStmt: Database.Statement<[], { id: string; owner: string | null }>;
  private readonly pruneStmt: Database.Statement<[number]>;
  private readonly markTx: (now: number, isOwnerAlive?: (owner: string) => boolean) => number;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO job_runs (id, kind, params, status, created_at, owner) VALUES (@id, @kind, @params, @status, @createdAt, @owner)',
    );
    this.getStmt = db.prepare('SELECT * FROM job_runs WHERE id = ?');
    // A queued or running job found at start-up belongs to a process that died, unless its owner still runs.
    this.interruptStmt = db.prepare(`
      UPDATE job_runs SET status = 'interrupted', finished_at = coalesce(finished_at, ?)
      WHERE id = ? AND status IN ('queued', 'running')`);
    this.unfinishedStmt = db.prepare("SELECT id, owner FROM job_runs WHERE status IN ('queued', 'running')");
    this.pruneStmt = db.prepare(`
      DELETE FROM job_runs
      WHERE status NOT IN ('queued', 'running') AND coalesce(finished_at, created_at) < ?`);
    // Reads the unfinished runs, then marks them: the write lock is taken up front so two processes
    // starting together wait for each other instead of failing.
    this.markTx = immediateTransaction(db, (now: number, isOwnerAlive?: (owner: string) => boolean) => {
      let n = 0;
      for (const run of this.unfinishedStmt.all()) {
        if (run.owner !== null && isOwnerAlive?.(run.owner)) continue;
        n += this.interruptStmt.run(now, run.id).changes;
      }
      return n;
    });
  }

  async create(run: JobCreate): Promise<JobRun> {
    if (this.getStmt.get(run.id)) throw new Error(`job run "${run.id}" already exists; expected a new id`);
    const row = {
      id: run.id,
      kind: run.kind,
      params: toJson(run.params ?? {}, `params of job ${run.id}`),
      status: checkStatus(run.status ?? 'queued'),
      createdAt: run.createdAt?.getTime() ?? Date.now(),
      owner: run.owner ?? null,
    };
    await retryWhileBusy(() => this.insertStmt.run(row), `job run ${run.id}`);
    return toRun(this.getStmt.get(run.id)!);
  }

  async update(id: string, patch: JobPatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const key of Object.keys(patch) as (keyof JobPatch)[]) {
      const spec = PATCH_COLUMNS[key];
      if (!spec || patch[key] === undefined) continue;
      sets.push(`${spec[0]} = ?`);
      values.push((spec[1] as (v: unknown) => unknown)(patch[key]));
    }
    if (sets.length === 0) return;
    const statement = this.db.prepare(`UPDATE job_runs SET ${sets.join(', ')} WHERE id = ?`);
    const r = await retryWhileBusy(
      () => statement.run(...values, id),
      `${Object.keys(patch).join(', ')} of job run ${id}`,
    );
    if (r.changes === 0) throw new Error(`job run "${id}" does not exist; expected an id returned by create()`);
  }

  async get(id: string): Promise<JobRun | null> {
    const row = this.getStmt.get(id);
    return row ? toRun(row) : null;
  }

  /** Newest first. */
  async list(opts: ListOptions = {}): Promise<JobRun[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (opts.kind !== undefined) {
      where.push('kind = ?');
      values.push(opts.kind);
    }
    if (opts.status !== undefined) {
      const statuses = typeof opts.status === 'string' ? [opts.status] : opts.status;
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      for (const s of statuses) values.push(checkStatus(s));
    }
    if (opts.since !== undefined) {
      where.push('created_at >= ?');
      values.push(toMs(opts.since));
    }
    const sql =
      'SELECT * FROM job_runs' +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY created_at DESC, rowid DESC' +
      (opts.limit !== undefined ? ' LIMIT ?' : '');
    if (opts.limit !== undefined) values.push(opts.limit);
    return (this.db.prepare(sql).all(...values) as JobRunRow[]).map(toRun);
  }

  async markInterrupted(isOwnerAlive?: (owner: string) => boolean): Promise<number> {
    return retryWhileBusy(() => this.markTx(Date.now(), isOwnerAlive), 'the interrupted job runs');
  }

  async prune(before: Date): Promise<number> {
    return retryWhileBusy(() => this.pruneStmt.run(toMs(before)!).changes, 'the pruning of old job runs');
  }
}
