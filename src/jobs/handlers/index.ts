import type { DashboardCache } from '../../precompute/dashboard-cache.js';
import type { PrecomputeOptions } from '../../precompute/precompute.js';
import type { JobHandlers } from '../job-handler.js';
import { createPrecomputeHandler } from './precompute-handler.js';
import { missingStep, type StepRunner } from './step-runner.js';
import { createUpdateHandler } from './update-handler.js';

export type { StepRunner } from './step-runner.js';

export interface JobHandlerDeps {
  store: PrecomputeOptions['store'];
  cache: DashboardCache;
  /** The fetch engine adapted to a job (source, universe and options from config); absent = fetch jobs fail saying so. */
  runFetch?: StepRunner;
  /** The analyze runner adapted to a job; absent = analyze jobs fail saying so. */
  runAnalyze?: StepRunner;
  /** The report batch (prefetch, analysts, consolidation) adapted to a job; absent = report jobs fail saying so. */
  runReport?: StepRunner;
  /** The backfill (coverage, gap plan, requests) adapted to a job; absent = backfill jobs fail saying so. */
  runBackfill?: StepRunner;
}

/** The handler registry: one handler per job kind, update made of fetch, analyze and precompute. */
export function createJobHandlers(deps: JobHandlerDeps): JobHandlers {
  // fetch and analyze are their runners as they are: the runner already has a job handler's shape.
  const fetch = deps.runFetch ?? missingStep('fetch');
  const analyze = deps.runAnalyze ?? missingStep('analyze');
  const precompute = createPrecomputeHandler(deps);
  return {
    fetch,
    analyze,
    precompute,
    update: createUpdateHandler({ fetch, analyze, precompute }),
    report: deps.runReport ?? missingStep('report'),
    backfill: deps.runBackfill ?? missingStep('backfill'),
  };
}
