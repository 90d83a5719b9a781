/** 'partial': the job did its work but some items (tickers, files) failed; its error lists them. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'interrupted';

export const JOB_STATUSES: readonly JobStatus[] = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
];

/** The statuses of a job that did its work: a partial update still fetched, analysed and precomputed the rest. */
export const COMPLETED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'partial'];

export interface JobProgress {
  done: number;
  total: number;
  stage: string;
  message: string;
}

/**
 * One run of a job (fetch, analysis, precompute, report, ...) as kept in its history: the jobs that run it,
 * the pages that show it and the store that keeps it all speak of the same record.
 */
export interface JobRun {
  id: string;
  kind: string;
  params: Record<string, unknown>;
  status: JobStatus;
  progress: JobProgress | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  metrics: Record<string, unknown> | null;
  error: string | null;
  /** The process running it, as host:pid (null for runs recorded before owners were kept). */
  owner: string | null;
}
