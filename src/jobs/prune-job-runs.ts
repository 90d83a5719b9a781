import type { JobRunRepo } from '../store/store.js';

const MS_PER_DAY = 86_400_000;

/** Deletes finished job runs older than `retentionDays` (JOB_RETENTION_DAYS); returns how many. */
export function pruneJobRuns(jobRuns: JobRunRepo, retentionDays: number, now: Date = new Date()): Promise<number> {
  if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
    throw new RangeError(`job retention of ${retentionDays} days is not allowed; expected a positive number of days`);
  }
  return jobRuns.prune(new Date(now.getTime() - retentionDays * MS_PER_DAY));
}
