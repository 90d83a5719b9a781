import type { JobRun } from '../../domain/job-run.js';

/**
 * The line for a run that ended cancelled by someone else (the API, `marketdeck jobs --cancel`, another
 * terminal): a cancel records no error, so the line says how far the run got from its last progress, or that
 * it was cancelled before any worker started it. What it stored before the cancel stays stored.
 */
export function describeCancelledRun(run: JobRun): string {
  const p = run.progress;
  const reached =
    p && p.total > 0
      ? ` after ${p.done} of ${p.total} (${p.stage}${p.message ? `: ${p.message}` : ''})`
      : run.startedAt === null
        ? ' before it started'
        : '';
  return `${run.kind} job ${run.id} cancelled${reached}; what it stored before stays stored`;
}
