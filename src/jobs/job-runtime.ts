import { type Config, secretRedactor } from '../config/index.js';
import { DashboardCache } from '../precompute/dashboard-cache.js';
import type { Store } from '../store/store.js';
import { createJobHandlers, type StepRunner } from './handlers/index.js';
import { lazyStep } from './handlers/step-runner.js';
import { InProcessJobQueue } from './in-process-job-queue.js';
import type { JobHandlers } from './job-handler.js';
import type { JobLogger } from './job-logger.js';
import type { JobQueue } from './job-queue.js';
import { lockPipeline, PIPELINE_LOCKED_KINDS } from './pipeline-lock.js';
import { BullJobQueue } from './queue/bull-job-queue.js';

/** What a process that runs jobs holds: the queue and the dashboard cache its precompute jobs write through. */
export interface JobRuntime {
  queue: JobQueue;
  cache: DashboardCache;
}

export interface JobRuntimeOptions {
  store: Store;
  config: Config;
  /** Default: the fetch set up from config (createConfiguredFetchStep). */
  runFetch?: StepRunner;
  /** Default: runAnalysis over the universe in the job's params (createConfiguredAnalyzeStep). */
  runAnalyze?: StepRunner;
  /** Default: the report batch set up from config (createReportHandler). */
  runReport?: StepRunner;
  /** Default: the backfill set up from config (createConfiguredBackfillStep). */
  runBackfill?: StepRunner;
  log?: (message: string) => void;
  /** Structured logging of the in-process queue: a child logger per job. */
  logger?: JobLogger;
  /** This process runs one job at a time and nothing else writes the store (a one-shot CLI command). */
  exclusiveStore?: boolean;
  /**
   * A long-running process (serve, scheduler) holds the database's pipeline lock around each fetching or
   * analysing job, as the one-shot commands do around theirs, so the two never do the same work at once.
   */
  lockPipeline?: boolean;
}

/**
 * The default set-up of `serve`, `scheduler` and the one-shot job commands: an in-process queue, or with
 * REDIS_URL the shared BullMQ queue whose `marketdeck worker` processes run the jobs.
 */
export function createJobRuntime(opts: JobRuntimeOptions): JobRuntime {
  const log = opts.log ?? (() => {});
  const { handlers, cache } = createRuntimeHandlers(opts);
  const queue: JobQueue =
    opts.config.redisUrl !== ''
      ? new BullJobQueue({ store: opts.store, config: opts.config, log, redact: secretRedactor(opts.config) })
      : new InProcessJobQueue({
          jobRuns: opts.store.jobRuns,
          handlers,
          retentionDays: opts.config.jobRetentionDays,
          log,
          logger: opts.logger,
          redact: secretRedactor(opts.config),
          lockRun: opts.lockPipeline
            ? async (kind, onWait, signal) =>
                PIPELINE_LOCKED_KINDS.includes(kind) ? lockPipeline(opts.config.db, { onWait, signal }) : null
            : undefined,
        });
  return { queue, cache };
}

/** The handler of every job kind with the dashboard cache precompute writes through: what any runner of jobs needs. */
export function createRuntimeHandlers(opts: JobRuntimeOptions): { handlers: JobHandlers; cache: DashboardCache } {
  const log = opts.log ?? (() => {});
  const cache = new DashboardCache(opts.store.cache, {
    ttlMinutes: opts.config.cacheExpirationMinutes,
    onError: (key, error) => log(`recomputing cache entry "${key}" failed: ${error}`),
  });
  const handlers = createJobHandlers({
    store: opts.store,
    cache,
    runFetch:
      opts.runFetch ??
      lazyStep(async () =>
        (await import('./handlers/configured-fetch-step.js')).createConfiguredFetchStep(opts.store, opts.config),
      ),
    runAnalyze:
      opts.runAnalyze ??
      lazyStep(async () =>
        (await import('./handlers/configured-analyze-step.js')).createConfiguredAnalyzeStep(opts.store, opts.config, {
          exclusiveStore: opts.exclusiveStore,
        }),
      ),
    runReport:
      opts.runReport ??
      lazyStep(async () => (await import('./handlers/report-handler.js')).createReportHandler(opts.store, opts.config)),
    runBackfill:
      opts.runBackfill ??
      lazyStep(async () =>
        (await import('./handlers/configured-backfill-step.js')).createConfiguredBackfillStep(opts.store, opts.config),
      ),
  });
  return { handlers, cache };
}
