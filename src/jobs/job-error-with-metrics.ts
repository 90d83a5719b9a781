import type { JobMetrics } from './job-handler.js';

/**
 * Thrown by a handler that stopped before its work was done (every item failed, or it was cancelled) but did
 * some of it: the run still ends failed or cancelled, and its metrics say what was stored before it stopped
 * and what every request met, as a finished run's do.
 */
export class JobErrorWithMetrics extends Error {
  constructor(
    message: string,
    readonly metrics: JobMetrics,
  ) {
    super(message);
    this.name = 'JobErrorWithMetrics';
  }
}
