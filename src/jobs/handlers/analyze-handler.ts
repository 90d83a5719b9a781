import type { JobHandler } from '../job-handler.js';
import { missingStep, type StepRunner } from './step-runner.js';

/** analyze: indicators, signals, screener rows and breadth from the stored bars. */
export function createAnalyzeHandler(runAnalyze: StepRunner = missingStep('analyze')): JobHandler {
  return (ctx) => runAnalyze(ctx);
}
