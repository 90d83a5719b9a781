import { JOB_STATUSES, type JobProgress, type JobRun, type JobStatus } from '../domain/job-run.js';
import type { JobRunRepo } from './store.js';
import { fromJson, fromMs, toJson, toMs } from './store-values.js';

/** A job run's columns and how patches map onto them, as every adapter keeps them. */
export interface JobRunRow {
  id: string;
  kind: string;
  params: string;
  status: JobStatus;
  progress: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  metrics: string | null;
  error: string | null;
  owner: string | null;
}

export type JobCreate = Parameters<JobRunRepo['create']>[0];
export type JobPatch = Parameters<JobRunRepo['update']>[1];
export type ListOptions = NonNullable<Parameters<JobRunRepo['list']>[0]>;

/** Patch keys -> column and how the value is stored; the column names here are the only SQL built from input. */
export const PATCH_COLUMNS: { [K in keyof Required<JobPatch>]: [string, (v: JobPatch[K]) => unknown] } = {
  status: ['status', (v) => checkJobStatus(v as JobStatus)],
  progress: ['progress', (v) => (v === null || v === undefined ? null : toJson(v, 'job progress'))],
  startedAt: ['started_at', (v) => toMs(v)],
  finishedAt: ['finished_at', (v) => toMs(v)],
  metrics: ['metrics', (v) => (v === null || v === undefined ? null : toJson(v, 'job metrics'))],
  error: ['error', (v) => v ?? null],
};

export function checkJobStatus(s: JobStatus): JobStatus {
  if (!JOB_STATUSES.includes(s))
    throw new RangeError(`job status "${s}" is not valid; expected ${JOB_STATUSES.join('|')}`);
  return s;
}

export function jobRunFromRow(r: JobRunRow): JobRun {
  return {
    id: r.id,
    kind: r.kind,
    params: fromJson<Record<string, unknown>>(r.params, {}),
    status: r.status,
    progress: fromJson<JobProgress | null>(r.progress, null),
    createdAt: new Date(r.created_at),
    startedAt: fromMs(r.started_at),
    finishedAt: fromMs(r.finished_at),
    metrics: fromJson<Record<string, unknown> | null>(r.metrics, null),
    error: r.error,
    owner: r.owner ?? null,
  };
}
