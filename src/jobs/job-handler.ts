import type { JobProgress } from '../domain/job-run.js';
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

/** One item (a ticker, a quote batch, a file) a job could not do. */
export interface JobItemFailure {
  item: string;
  kind: string;
  reason: string;
}

/**
 * What a handler puts in its metrics, under `partial`, when it did its work but some items failed: the
 * queue records the run as 'partial' with the message as its error, and the CLI exits 3 listing the items.
 */
export interface JobPartial {
  message: string;
  failed: JobItemFailure[];
}

/** The partial failure a job's metrics report, or null when it has none. */
export function partialOf(metrics: JobMetrics | null | undefined): JobPartial | null {
  const p = metrics?.partial as Partial<JobPartial> | undefined;
  if (!p || typeof p.message !== 'string') return null;
  return { message: p.message, failed: Array.isArray(p.failed) ? p.failed : [] };
}

/** The partial failures of an update's steps (metrics by step name) as one, each message named by its step; null when none. */
export function partialOfSteps(steps: JobMetrics): JobPartial | null {
  const parts = Object.entries(steps).flatMap(([name, m]) => {
    const p = m && typeof m === 'object' ? partialOf(m as JobMetrics) : null;
    return p ? [{ name, p }] : [];
  });
  if (parts.length === 0) return null;
  return {
    message: parts.map(({ name, p }) => `${name}: ${p.message}`).join('; '),
    failed: parts.flatMap(({ p }) => p.failed),
  };
}
