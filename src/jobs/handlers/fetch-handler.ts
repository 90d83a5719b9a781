import type { JobHandler } from '../job-handler.js';
import { missingStep, type StepRunner } from './step-runner.js';

/** fetch: download missing and stale bars (params such as universe or symbols go to the runner). */
export function createFetchHandler(runFetch: StepRunner = missingStep('fetch')): JobHandler {
  return (ctx) => runFetch(ctx);
}
