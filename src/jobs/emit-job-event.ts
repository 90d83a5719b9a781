import type { JobEvent, JobListener } from './job-queue.js';

/** Tells every listener; one that throws is logged and never stops the others or the job. */
export function emitJobEvent(listeners: Iterable<JobListener>, event: JobEvent, log: (message: string) => void): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      log(`a job listener threw: ${error}`);
    }
  }
}
