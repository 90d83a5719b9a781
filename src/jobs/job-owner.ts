import { hostname } from 'node:os';
import type { JobRun, JobStatus } from '../domain/job-run.js';

/** The owner of runs queued on a shared queue (BullMQ): queue:<key prefix>. */
export const QUEUE_OWNER_PREFIX = 'queue:';

/** This process as a job owner: host:pid. */
export function currentJobOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Whether the process that owns a job still runs. On this host the pid answers (signal 0 probes without
 * sending anything); a job owned by another host is assumed alive, since only that host can tell.
 */
export function isJobOwnerAlive(owner: string): boolean {
  // A run on a shared queue lives as long as the queue: its workers, not this process, finish or fail it.
  if (owner.startsWith(QUEUE_OWNER_PREFIX)) return true;
  const colon = owner.lastIndexOf(':');
  const host = owner.slice(0, colon);
  const pid = Number(owner.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(pid) || pid <= 0) return false;
  if (host !== hostname()) return true;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run's status as it stands now: one still recorded queued or running whose owner is gone is interrupted,
 * even before a writing command gets to record it so (a read-only `jobs` cannot).
 */
export function currentJobStatus(run: Pick<JobRun, 'status' | 'owner'>): JobStatus {
  const unfinished = run.status === 'queued' || run.status === 'running';
  return unfinished && run.owner !== null && !isJobOwnerAlive(run.owner) ? 'interrupted' : run.status;
}
