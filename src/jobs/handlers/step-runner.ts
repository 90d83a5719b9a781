import type { JobHandler } from '../job-handler.js';

/**
 * A pipeline step as the jobs layer calls it: a job handler by another name. The fetch and analyze engines
 * are adapted to this shape where the process is put together (they need a source, a universe and options
 * built from config), so the handlers take them as they are and tests inject fakes.
 */
export type StepRunner = JobHandler;

/** A runner for a step this process was not given: fails the job with a message saying what is missing. */
export function missingStep(step: string): StepRunner {
  return async () => {
    throw new Error(
      `no ${step} runner is wired into this job queue; pass run${step[0].toUpperCase()}${step.slice(1)} to createJobHandlers`,
    );
  };
}

/**
 * A runner whose engine is imported on its first run, so a process that only analyzes never loads the
 * fetch engine and its sources (and the other way round).
 */
export function lazyStep(load: () => Promise<StepRunner>): StepRunner {
  let runner: Promise<StepRunner> | null = null;
  return async (ctx) => {
    runner ??= load();
    return (await runner)(ctx);
  };
}
