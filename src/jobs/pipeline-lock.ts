import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acquireCrossProcessLock, type ReleaseLock } from './cross-process-lock.js';
import type { JobKind } from './job-kinds.js';

/** The kinds that fetch or analyse: two of them on one database at once, from two processes, do the work twice. */
export const PIPELINE_LOCKED_KINDS: readonly JobKind[] = ['fetch', 'backfill', 'update', 'analyze', 'report'];

/**
 * One lock per database, named by a hash of its path (or URL) in this user's temporary folder: nothing is
 * written beside the database, which may sit in a folder this user only reads.
 */
export function pipelineLockPath(db: string): string {
  const id = createHash('sha256')
    .update(db.includes('://') ? db : resolve(db))
    .digest('hex')
    .slice(0, 24);
  return join(tmpdir(), `marketdeck-${process.getuid?.() ?? 'user'}`, 'locks', `${id}.lock`);
}

/**
 * Holds the database's pipeline lock (see acquireCrossProcessLock), waiting for another process's job to finish
 * first; `onWait` hears once who holds it (host:pid).
 */
export function lockPipeline(
  db: string,
  options: { onWait?: (holder: string) => void; signal?: AbortSignal } = {},
): Promise<ReleaseLock> {
  return acquireCrossProcessLock(pipelineLockPath(db), options);
}
