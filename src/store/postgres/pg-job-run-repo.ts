import type { JobRun } from '../../domain/job-run.js';
import {
  checkJobStatus,
  type JobCreate,
  type JobPatch,
  type JobRunRow,
  jobRunFromRow,
  type ListOptions,
  PATCH_COLUMNS,
} from '../job-run-row.js';
import type { JobRunRepo } from '../store.js';
import { toJson, toMs } from '../store-values.js';
import type { PgDb } from './pg-db.js';

/** Every job run with its parameters, progress and metrics: the history `marketdeck jobs` shows. */
export class PgJobRunRepo implements JobRunRepo {
  constructor(private readonly db: PgDb) {}

  async create(run: JobCreate): Promise<JobRun> {
    const { rows } = await this.db.query<JobRunRow>(
      `INSERT INTO job_runs (id, kind, params, status, created_at, owner) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        run.id,
        run.kind,
        toJson(run.params ?? {}, `params of job ${run.id}`),
        checkJobStatus(run.status ?? 'queued'),
        run.createdAt?.getTime() ?? Date.now(),
        run.owner ?? null,
      ],
    );
    if (!rows[0]) throw new Error(`job run "${run.id}" already exists; expected a new id`);
    return jobRunFromRow(rows[0]);
  }

  async update(id: string, patch: JobPatch): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const key of Object.keys(patch) as (keyof JobPatch)[]) {
      const spec = PATCH_COLUMNS[key];
      if (!spec || patch[key] === undefined) continue;
      values.push((spec[1] as (v: unknown) => unknown)(patch[key]));
      sets.push(`${spec[0]} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(id);
    const r = await this.db.query(`UPDATE job_runs SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
    if (r.rowCount === 0) throw new Error(`job run "${id}" does not exist; expected an id returned by create()`);
  }

  async get(id: string): Promise<JobRun | null> {
    const { rows } = await this.db.query<JobRunRow>('SELECT * FROM job_runs WHERE id = $1', [id]);
    return rows[0] ? jobRunFromRow(rows[0]) : null;
  }

  /** Newest first. */
  async list(opts: ListOptions = {}): Promise<JobRun[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (opts.kind !== undefined) {
      values.push(opts.kind);
      where.push(`kind = $${values.length}`);
    }
    if (opts.status !== undefined) {
      const statuses = typeof opts.status === 'string' ? [opts.status] : opts.status;
      values.push(statuses.map(checkJobStatus));
      where.push(`status = ANY($${values.length}::text[])`);
    }
    if (opts.since !== undefined) {
      values.push(toMs(opts.since));
      where.push(`created_at >= $${values.length}`);
    }
    let sql = `SELECT * FROM job_runs${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, seq DESC`;
    if (opts.limit !== undefined) {
      values.push(opts.limit);
      sql += ` LIMIT $${values.length}`;
    }
    const { rows } = await this.db.query<JobRunRow>(sql, values);
    return rows.map(jobRunFromRow);
  }

  /** A queued or running job found at start-up belongs to a process that died, unless its owner still runs. */
  markInterrupted(isOwnerAlive?: (owner: string) => boolean): Promise<number> {
    return this.db.tx(async (sql) => {
      const { rows } = await sql.query<{ id: string; owner: string | null }>(
        "SELECT id, owner FROM job_runs WHERE status IN ('queued', 'running') FOR UPDATE",
      );
      const dead = rows.filter((r) => r.owner === null || !isOwnerAlive?.(r.owner)).map((r) => r.id);
      if (dead.length === 0) return 0;
      const r = await sql.query(
        `UPDATE job_runs SET status = 'interrupted', finished_at = coalesce(finished_at, $1)
         WHERE id = ANY($2::text[]) AND status IN ('queued', 'running')`,
        [Date.now(), dead],
      );
      return r.rowCount ?? 0;
    });
  }

  async prune(before: Date): Promise<number> {
    const r = await this.db.query(
      "DELETE FROM job_runs WHERE status NOT IN ('queued', 'running') AND coalesce(finished_at, created_at) < $1",
      [toMs(before)],
    );
    return r.rowCount ?? 0;
  }
}
