import type { Config } from '../../config/index.js';

/**
 * How every worker holds the parts it runs, on either queue: a lock of WORKER_LOCK_MS it renews every half of
 * that, and a look for lapsed locks as often (at most every 30 s, at least every second), so a dead worker's
 * part is taken over within about twice WORKER_LOCK_MS.
 */
export function workerLockOptions(config: Pick<Config, 'workerLockMs'>) {
  return {
    lockDuration: config.workerLockMs,
    stalledInterval: Math.max(1000, Math.min(config.workerLockMs, 30_000)),
    // A part taken over from dead workers this often is failing workers, not meeting bad luck.
    maxStalledCount: 3,
  };
}
