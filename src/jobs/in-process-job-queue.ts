import type { JobProgress, JobRun, JobStatus } from '../domain/job-run.js';
import type { JobRunRepo } from '../store/store.js';
import { emitJobEvent } from './emit-job-event.js';
import { JobErrorWithMetrics } from './job-error-with-metrics.js';
import { type JobContext, type JobHandlers, partialOf } from './job-handler.js';
import { newJobId, normalizeParams } from './job-ids.js';
import { JOB_KINDS, type JobKind } from './job-kinds.js';
import type { JobLogger } from './job-logger.js';
import { currentJobOwner, isJobOwnerAlive } from './job-owner.js';
import type { JobEvent, JobHandle, JobListener, JobQueue } from './job-queue.js';
import { pruneJobRuns } from './prune-job-runs.js';

export interface InProcessJobQueueOptions {
  jobRuns: JobRunRepo;
  handlers: JobHandlers;
  /** Finished runs older than this many days are pruned at start and then at most hourly; absent = never. */
  retentionDays?: number;
  /** At most one progress write to job_runs (and one progress event) per job per this many ms. Default 250. */
  progressIntervalMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
  /** Structured logging: a child logger per job (its id and kind on each line) for its start, messages and end. */
  logger?: JobLogger;
  /**
   * Held around a job of these kinds while it runs (the database's pipeline lock in `serve`), so a CLI update
   * and the dashboard's update on one database take turns; `onWait` reports who holds it as the job's progress.
   */
  lockRun?: (kind: JobKind, onWait: (holder: string) => void, signal: AbortSignal) => Promise<(() => void) | null>;
  /** Masks secrets in what a job records (its error may quote a URL or a file); default: unchanged. */
  redact?: (text: string) => string;
}

interface ActiveJob {
  run: JobRun;
  paramsKey: string;
  resources: readonly string[];
  state: 'queued' | 'running';
  /** False until the job_runs row exists; the job still holds its place (and resources) in line. */
  ready: boolean;
  controller: AbortController;
  done: Promise<JobRun>;
  resolve: (run: JobRun) => void;
  /** job_runs writes of this job, chained so that a late progress write never lands after the final status. */
  writes: Promise<void>;
  progressTimer: NodeJS.Timeout | null;
  lastProgressAt: number;
  /** The job's child logger while it runs (absent without a structured logger). */
  logger?: JobLogger;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Runs jobs in this process, recording every transition in job_runs.
 *
 * Dedupe: a request for a kind with params equal to a queued or running job's joins that job (same id, same
 * outcome) instead of doing the work twice — a second "update" clicked while one runs waits for the running
 * one. A request with other params queues, and starts once no running or earlier queued job writes what it
 * writes (see JOB_KINDS resources), so two jobs never do the same work at once and line order is kept.
 *
 * Start-up marks runs left queued or running by a crashed process as interrupted. A live job of another
 * process marked that way gets its true final status when it finishes.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly jobs = new Map<string, ActiveJob>();
  private readonly listeners = new Set<JobListener>();
  private readonly jobRuns: JobRunRepo;
  private readonly handlers: JobHandlers;
  private readonly progressIntervalMs: number;
  private readonly now: () => Date;
  private readonly log: (message: string) => void;
  private readonly redact: (text: string) => string;
  private readonly lockRun: InProcessJobQueueOptions['lockRun'];
  private readonly logger: JobLogger | undefined;
  private readonly retentionDays: number | undefined;
  private started: Promise<{ interrupted: number; pruned: number }> | null = null;
  private lastPruneAt = 0;
  private closed = false;

  constructor(opts: InProcessJobQueueOptions) {
    this.jobRuns = opts.jobRuns;
    this.handlers = opts.handlers;
    this.retentionDays = opts.retentionDays;
    this.progressIntervalMs = opts.progressIntervalMs ?? 250;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => {});
    this.redact = opts.redact ?? ((text) => text);
    this.lockRun = opts.lockRun;
    this.logger = opts.logger;
  }

  /** Marks crashed runs interrupted and prunes old ones; idempotent, and enqueue calls it first. */
  start(): Promise<{ interrupted: number; pruned: number }> {
    this.started ??= (async () => {
      const interrupted = await this.jobRuns.markInterrupted(isJobOwnerAlive);
      if (interrupted > 0) this.log(`marked ${interrupted} job run(s) left by a previous process as interrupted`);
      const pruned = await this.prune();
      return { interrupted, pruned };
    })();
    return this.started;
  }

  async enqueue(kind: JobKind, params: Record<string, unknown> = {}): Promise<JobHandle> {
    const handler = this.handlers[kind];
    if (!handler) {
      throw new Error(
        `job kind "${kind}" has no handler here; this queue runs ${Object.keys(this.handlers).join(', ')}`,
      );
    }
    await this.start();
    if (this.closed) throw new Error(`the job queue is closed; job "${kind}" was not queued`);
    const normalized = normalizeParams(params);
    const paramsKey = JSON.stringify(normalized);
    for (const job of this.jobs.values()) {
      if (job.run.kind === kind && job.paramsKey === paramsKey) {
        return { id: job.run.id, kind, joined: true, done: job.done };
      }
    }
    const run: JobRun = {
      id: newJobId(kind, this.now()),
      kind,
      params: normalized,
      status: 'queued',
      progress: null,
      startedAt: null,
      finishedAt: null,
      createdAt: this.now(),
      metrics: null,
      error: null,
      owner: currentJobOwner(),
    };
    let resolve!: (run: JobRun) => void;
    const done = new Promise<JobRun>((r) => {
      resolve = r;
    });
    const job: ActiveJob = {
      run,
      paramsKey,
      resources: JOB_KINDS[kind].resources,
      state: 'queued',
      ready: false,
      controller: new AbortController(),
      done,
      resolve,
      writes: Promise.resolve(),
      progressTimer: null,
      lastProgressAt: 0,
    };
    // Registered before the first await so that a concurrent equal request joins instead of duplicating.
    this.jobs.set(run.id, job);
    const created = this.jobRuns.create({ id: run.id, kind, params: normalized, status: 'queued', owner: run.owner });
    job.writes = created.then(
      () => undefined,
      () => undefined,
    );
    try {
      run.createdAt = (await created).createdAt;
    } catch (error) {
      this.jobs.delete(run.id);
      this.pump();
      throw error;
    }
    job.ready = true;
    this.emit({ type: 'queued', run: snapshot(run) });
    this.pump();
    return { id: run.id, kind, joined: false, done };
  }

  async get(id: string): Promise<JobRun | null> {
    const job = this.jobs.get(id);
    return job ? snapshot(job.run) : this.jobRuns.get(id);
  }

  list(opts?: { kind?: JobKind; status?: JobStatus; limit?: number }): Promise<JobRun[]> {
    return this.jobRuns.list(opts);
  }

  async active(): Promise<JobRun[]> {
    return [...this.jobs.values()].map((j) => snapshot(j.run));
  }

  async cancel(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job) return false;
    if (job.state === 'running') {
      job.controller.abort(new Error(`job ${id} was cancelled`));
      return true;
    }
    await this.finish(job, { status: 'cancelled', error: 'cancelled before it started' });
    return true;
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const running: Promise<JobRun>[] = [];
    for (const job of [...this.jobs.values()]) {
      if (job.state === 'queued') await this.finish(job, { status: 'cancelled', error: 'the job queue closed' });
      else {
        job.controller.abort(new Error('the job queue closed'));
        running.push(job.done);
      }
    }
    await Promise.all(running);
  }

  /** Starts every queued job whose resources no running or earlier queued job holds. */
  private pump(): void {
    if (this.closed) return;
    const claimed = new Set<string>();
    for (const job of this.jobs.values()) {
      if (job.state === 'running') for (const r of job.resources) claimed.add(r);
    }
    for (const job of this.jobs.values()) {
      if (job.state !== 'queued') continue;
      const free = job.resources.every((r) => !claimed.has(r));
      for (const r of job.resources) claimed.add(r);
      if (free && job.ready) {
        job.state = 'running';
        void this.execute(job);
      }
    }
  }

  private async execute(job: ActiveJob): Promise<void> {
    const { run } = job;
    job.logger = this.logger?.child({ job: run.id, kind: run.kind });
    job.logger?.info({ params: JSON.parse(this.redact(JSON.stringify(run.params))) }, 'job started');
    run.status = 'running';
    run.startedAt = this.now();
    this.write(job, { status: 'running', startedAt: run.startedAt });
    this.emit({ type: 'started', run: snapshot(run) });
    const ctx: JobContext = {
      id: run.id,
      kind: run.kind as JobKind,
      params: run.params,
      signal: job.controller.signal,
      progress: (update) => this.progress(job, update),
      log: (message) => (job.logger ? job.logger.info({}, this.redact(message)) : this.log(`[${run.id}] ${message}`)),
    };
    const handler = this.handlers[run.kind as JobKind]!;
    let unlock: (() => void) | null = null;
    try {
      unlock =
        (await this.lockRun?.(
          run.kind as JobKind,
          (holder) => ctx.progress({ stage: 'waiting', message: `waits for the job of process ${holder}` }),
          job.controller.signal,
        )) ?? null;
      const metrics = await Promise.resolve().then(() => handler(ctx));
      const partial = partialOf(metrics);
      await this.finish(job, { status: partial ? 'partial' : 'succeeded', metrics, error: partial?.message ?? null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // What a stopped job did before it stopped (a fetch's stored tickers and requests) is recorded too.
      const metrics = error instanceof JobErrorWithMetrics ? error.metrics : undefined;
      if (job.controller.signal.aborted) {
        const reason = job.controller.signal.reason;
        await this.finish(job, {
          status: 'cancelled',
          error: reason instanceof Error ? reason.message : message,
          metrics,
        });
      } else {
        await this.finish(job, { status: 'failed', error: message, metrics });
      }
    } finally {
      unlock?.();
    }
  }

  private progress(job: ActiveJob, update: Partial<JobProgress>): void {
    const prev = job.run.progress ?? { done: 0, total: 0, stage: '', message: '' };
    const next = { ...prev, ...update };
    // A step's last count is never lost to the throttle: one held back goes out before the next stage's first
    // (else a fetch seemed to end at 31/32 when its quotes began), and a stage's last ticker goes out at once.
    if (job.progressTimer && next.stage !== prev.stage) this.flushProgress(job);
    job.run.progress = next;
    if (next.total > 0 && next.done >= next.total) {
      this.flushProgress(job);
      return;
    }
    if (job.progressTimer) return;
    const wait = job.lastProgressAt + this.progressIntervalMs - Date.now();
    if (wait <= 0) this.flushProgress(job);
    else {
      job.progressTimer = setTimeout(() => this.flushProgress(job), wait);
      job.progressTimer.unref();
    }
  }

  private flushProgress(job: ActiveJob): void {
    if (job.progressTimer) clearTimeout(job.progressTimer);
    job.progressTimer = null;
    if (job.run.status !== 'running' || !job.run.progress) return;
    job.lastProgressAt = Date.now();
    const progress = { ...job.run.progress };
    this.write(job, { progress });
    this.emit({ type: 'progress', id: job.run.id, kind: job.run.kind as JobKind, progress });
  }

  private async finish(
    job: ActiveJob,
    patch: { status: JobStatus; metrics?: Record<string, unknown>; error: string | null },
  ): Promise<void> {
    if (job.progressTimer) clearTimeout(job.progressTimer);
    job.progressTimer = null;
    const { run } = job;
    run.status = patch.status;
    run.finishedAt = this.now();
    run.error = patch.error === null ? null : this.redact(patch.error);
    const ms = run.startedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null;
    const ended = { status: run.status, ms, ...(run.error ? { error: run.error } : {}) };
    if (run.status === 'failed') job.logger?.warn(ended, 'job failed');
    else job.logger?.info(ended, 'job finished');
    // Per-ticker failures in the metrics quote source errors too.
    const metrics =
      patch.metrics && (JSON.parse(this.redact(JSON.stringify(patch.metrics))) as Record<string, unknown>);
    if (metrics) run.metrics = metrics;
    this.write(job, {
      status: run.status,
      finishedAt: run.finishedAt,
      error: run.error,
      progress: run.progress,
      ...(metrics ? { metrics } : {}),
    });
    await job.writes;
    this.jobs.delete(run.id);
    const final = snapshot(run);
    this.emit({ type: 'finished', run: final });
    job.resolve(final);
    this.pump();
    if (Date.now() - this.lastPruneAt >= PRUNE_EVERY_MS) await this.prune();
  }

  private write(job: ActiveJob, patch: Parameters<JobRunRepo['update']>[1]): void {
    job.writes = job.writes
      .then(() => this.jobRuns.update(job.run.id, patch))
      .catch((error) => this.log(`[${job.run.id}] could not record ${Object.keys(patch).join(', ')}: ${error}`));
  }

  private async prune(): Promise<number> {
    this.lastPruneAt = Date.now();
    if (this.retentionDays === undefined) return 0;
    try {
      return await pruneJobRuns(this.jobRuns, this.retentionDays, this.now());
    } catch (error) {
      this.log(`could not prune job runs: ${error}`);
      return 0;
    }
  }

  private emit(event: JobEvent): void {
    emitJobEvent(this.listeners, event, this.log);
  }
}

function snapshot(run: JobRun): JobRun {
  return { ...run, progress: run.progress ? { ...run.progress } : null };
}
