import type { JobProgress, JobRun, JobStatus } from '../domain/job-run.js';
import type { JobKind } from './job-kinds.js';

/** A job asked for: its id and a promise of its final run (it resolves, never rejects; see `status`). */
export interface JobHandle {
  readonly id: string;
  readonly kind: JobKind;
  /** True when an equal job was already queued or running and this request joined it. */
  readonly joined: boolean;
  readonly done: Promise<JobRun>;
}

/** What subscribers (the CLI's progress line, the server's SSE stream) hear about jobs. */
export type JobEvent =
  | { type: 'queued' | 'started' | 'finished'; run: JobRun }
  | { type: 'progress'; id: string; kind: JobKind; progress: JobProgress };

export type JobListener = (event: JobEvent) => void;

/**
 * Where jobs run. The in-process queue is the default; a BullMQ adapter implements the same interface when
 * one machine is not enough. Every run is recorded in job_runs whichever adapter runs it.
 */
export interface JobQueue {
  /**
   * Marks runs a crashed process left queued or running as interrupted and prunes runs past retention;
   * idempotent. A long-lived process (serve, scheduler) calls it at boot; enqueue calls it too.
   */
  start(): Promise<{ interrupted: number; pruned: number }>;
  /**
   * Queues a job. A job of the same kind with equal params that is already queued or running is joined (the
   * same id and outcome); otherwise the job waits until no running job writes what it writes.
   */
  enqueue(kind: JobKind, params?: Record<string, unknown>): Promise<JobHandle>;
  get(id: string): Promise<JobRun | null>;
  list(opts?: { kind?: JobKind; status?: JobStatus; limit?: number }): Promise<JobRun[]>;
  /** Jobs queued or running right now, oldest first. */
  active(): Promise<JobRun[]>;
  /** Cancels a queued job at once, or asks a running one to stop; false when the job is not active. */
  cancel(id: string): Promise<boolean>;
  /** Returns the unsubscribe function. */
  subscribe(listener: JobListener): () => void;
  /** Cancels queued jobs, asks running ones to stop and waits for them. */
  close(): Promise<void>;
}
