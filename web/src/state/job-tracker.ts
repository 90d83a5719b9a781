import type { JobEvent, JobProgress, JobRun } from './api-types.js';

/** What the progress bar shows about one job, built from the SSE events the server sends. */
export interface TrackedJob {
  id: string;
  kind: string;
  status: JobRun['status'];
  progress: JobProgress | null;
  /** The run's summary or error once finished. */
  result: string | null;
  finishedAt: string | null;
}

/** Jobs by id, newest last; at most `keep` finished ones are remembered. */
export function applyJobEvent(jobs: readonly TrackedJob[], event: JobEvent, keep = 5): TrackedJob[] {
  const id = event.type === 'progress' ? event.id : event.run.id;
  const previous = jobs.find((j) => j.id === id);
  let next: TrackedJob;
  if (event.type === 'progress') {
    next = {
      id,
      kind: event.kind,
      status: 'running',
      result: null,
      finishedAt: null,
      ...previous,
      progress: event.progress,
    };
  } else {
    const run = event.run;
    next = {
      id,
      kind: run.kind,
      status: run.status,
      progress: run.progress ?? previous?.progress ?? null,
      result: event.type === 'finished' ? runResult(run) : null,
      finishedAt: run.finishedAt,
    };
  }
  const others = jobs.filter((j) => j.id !== id);
  const finished = others.filter((j) => j.finishedAt !== null);
  const dropped = new Set(finished.slice(0, Math.max(0, finished.length - keep + 1)).map((j) => j.id));
  return [...others.filter((j) => !dropped.has(j.id)), next];
}

/** One line saying how a finished run ended. */
export function runResult(run: JobRun): string {
  if (run.status !== 'succeeded') return `${run.kind} ${run.status}: ${run.error ?? 'no error recorded'}`;
  const summary = run.metrics?.summary;
  return typeof summary === 'string' ? summary : `${run.kind} succeeded`;
}

/** 0..1, or null when the job has not said how much there is. */
export function progressFraction(p: JobProgress | null): number | null {
  if (!p || !(p.total > 0)) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}
