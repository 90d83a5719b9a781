import type { JobProgress } from '../store/store.js';
import type { JobKind } from './job-kinds.js';

/** What a running job sees of the queue: its parameters, a way to report progress and a cancel signal. */
export interface JobContext {
  readonly id: string;
  readonly kind: JobKind;
  readonly params: Readonly<Record<string, unknown>>;
  /** Aborted when the job is cancelled or the queue closes; long handlers check it between items. */
  readonly signal: AbortSignal;
  /** Merges into the current progress; the queue throttles what it writes to job_runs and streams. */
  progress(update: Partial<JobProgress>): void;
  log(message: string): void;
}

/** Metrics a job leaves in job_runs (a JSON object). */
export type JobMetrics = Record<string, unknown>;

/** Does one kind of work; throwing fails the job with the error's message. */
export type JobHandler = (ctx: JobContext) => Promise<JobMetrics>;

export type JobHandlers = { readonly [K in JobKind]?: JobHandler };
