import type { Job, Worker } from 'bullmq';
import type { Config } from '../../config/index.js';
import type { JobProgress, JobStatus } from '../../domain/job-run.js';
import { createConfiguredHttpGet } from '../../fetch/create-configured-http-get.js';
import { sourceRateLimits } from '../../fetch/create-history-source.js';
import type { FetchRunMetrics } from '../../fetch/fetch-metrics.js';
import { fetchErrorText, fetchFailures, fetchOutcome } from '../../fetch/fetch-run-record.js';
import type { RateLimits } from '../../fetch/rate-limiter.js';
import { RedisRateLimiter } from '../../fetch/redis-rate-limiter.js';
import type { HttpGet } from '../../sources/http-get.js';
import type { Store } from '../../store/store.js';
import { createConfiguredAnalyzeStep } from '../handlers/configured-analyze-step.js';
import { createConfiguredBackfillStep } from '../handlers/configured-backfill-step.js';
import { createConfiguredFetchStep } from '../handlers/configured-fetch-step.js';
import {
  type JobContext,
  type JobHandlers,
  type JobMetrics,
  type JobPartial,
  partialOf,
  partialOfSteps,
} from '../job-handler.js';
import { createRuntimeHandlers } from '../job-runtime.js';
import { AnalysisChunkQueue } from './analysis-chunk-queue.js';
import { startAnalysisChunkWorker } from './analysis-chunk-worker.js';
import { connectReadyRedis, connectRedis, redisErrorLog } from './connect-redis.js';
import { failureCause } from './failure-cause.js';
import { mergeFetchMetrics } from './merge-fetch-metrics.js';
import { claimQueueStore } from './queue-store-claim.js';
import { QUEUE_NAME, type QueuedWork, runKeys } from './queued-work.js';
import { type CancelPoll, RunCancelWatch } from './run-cancel-watch.js';
import { RunProgressReporter } from './run-progress-reporter.js';
import { workerLockOptions } from './worker-lock-options.js';

export interface QueueWorkerOptions {
  store: Store;
  config: Config;
  /** Queued parts this worker runs at once; each chunk sends one request at a time. */
  concurrency: number;
  log?: (message: string) => void;
  /** Replaces the network transport of the sources (tests, benches). */
  httpGet?: HttpGet;
  /** How this worker names itself in what it ran (default host:pid). */
  name?: string;
  /** When the worker looks whether its running parts' runs were cancelled; default every second. */
  cancelPoll?: CancelPoll;
}

export interface QueueWorker {
  /** Stops taking parts and waits for the running ones. */
  close(): Promise<void>;
}

/** The shared limits of each source, from config (the same for every worker reading the same settings). */
export function sharedRateLimits(config: Config): Record<string, RateLimits> {
  return { yahoo: sourceRateLimits('yahoo', config), alphavantage: sourceRateLimits('alphavantage', config) };
}

/**
 * `marketdeck worker`: takes parts of queued runs (ticker chunks of fetches and updates, and whole analyze,
 * precompute and report steps) from the BullMQ queue and runs them against the shared store. A part whose
 * worker dies is taken over once its lock (WORKER_LOCK_MS) lapses; a part that throws is retried with
 * backoff; a chunk re-run after either skips the tickers already fetched (they are fresh), so nothing is
 * stored twice. Requests to each source pass one rate limit shared in Redis by every worker. A cancelled run's
 * running parts are stopped too: the worker watches the run's cancel key while they run (RunCancelWatch).
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  const { Worker, UnrecoverableError } = await import('bullmq');
  const { store, config } = opts;
  const log = opts.log ?? (() => {});
  const prefix = config.queuePrefix;
  const onError = redisErrorLog(log);
  const redis = await connectReadyRedis(config.redisUrl, onError);
  let claim: { release(): void };
  try {
    claim = await claimQueueStore(redis, prefix, store, log);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const limits = sharedRateLimits(config);
  const limiters = new Map<string, RedisRateLimiter>();
  const limiterOf = (source: string) => {
    let l = limiters.get(source);
    if (!l) {
      l = new RedisRateLimiter(redis, prefix, source, limits[source] ?? {}, { marginMs: config.sharedRateMarginMs });
      limiters.set(source, l);
    }
    return l;
  };
  // An analyze step sends a large pass's chunks to every worker's chunk runner, this one's included.
  // A worker that cannot start gives its claim on the prefix back and lets go of Redis, so the process ends.
  const giveUp = (error: unknown): never => {
    claim.release();
    redis.disconnect();
    throw error;
  };
  const chunkQueue = await AnalysisChunkQueue.open({ config, redis, onError }).catch(giveUp);
  const chunkWorker = await startAnalysisChunkWorker({ store, config, redis, name: opts.name, onError, log }).catch(
    async (error: unknown) => {
      await chunkQueue.close();
      return giveUp(error);
    },
  );
  const { handlers } = createRuntimeHandlers({
    store,
    config,
    log,
    runAnalyze: createConfiguredAnalyzeStep(store, config, {
      remote: (ctx) => chunkQueue.forRun(ctx.id, ctx.signal),
    }),
  });
  // One transport for every chunk: its kept-alive connections serve the next chunk's requests at once, where a
  // transport per chunk would open new connections (and send late) at each chunk's start.
  const httpGet = opts.httpGet ?? createConfiguredHttpGet(config);
  const reporter = new RunProgressReporter(redis, store, prefix);
  const cancels = new RunCancelWatch(redis, prefix, opts.cancelPoll, log);

  /**
   * Runs a part's handler with a signal its run's cancel aborts. A handler that throws because of the cancel
   * was cancelled, not failed: the part ends with the metrics of what it did before it stopped (when its error
   * carries them), else with `onCancel`, instead of being retried.
   */
  const watched = async (
    runId: string,
    run: (signal: AbortSignal) => Promise<JobMetrics>,
    onCancel: JobMetrics,
  ): Promise<{ metrics: JobMetrics; cancelled: boolean }> => {
    const watch = cancels.watch(runId);
    try {
      const metrics = await run(watch.signal);
      return { metrics, cancelled: watch.signal.aborted };
    } catch (error) {
      // Cancelled before this worker's look at the cancel key noticed (a chunk it waited on was skipped).
      const cancelled = watch.signal.aborted || (await redis.exists(runKeys(prefix, runId).cancel)) === 1;
      if (cancelled) return { metrics: metricsOfError(error) ?? onCancel, cancelled: true };
      throw error;
    } finally {
      watch.release();
    }
  };

  const runPart = async (job: Job<QueuedWork>): Promise<JobMetrics> => {
    const work = job.data;
    const keys = runKeys(prefix, work.runId);
    const cancelled = (await redis.exists(keys.cancel)) === 1;
    if (work.type === 'chunk') {
      if (cancelled) return { cancelledBeforeStart: work.symbols.length };
      await reporter.started(work.runId);
      const step = createConfiguredFetchStep(store, config, {
        httpGet,
        rateLimiter: limiterOf(typeof work.params.source === 'string' ? work.params.source : 'yahoo'),
      });
      const params: Record<string, unknown> = { ...work.params, tickers: work.symbols, maxConcurrent: 1 };
      for (const k of ['universe', 'maxStocks', 'expand']) delete params[k];
      // The chunk's last count is written before the chunk ends, so the run's last part finds it there.
      let counted: Promise<void> = Promise.resolve();
      // A cancel stops the chunk after its request in flight: the tickers it stored stay, the rest are not run.
      const chunk = await watched(
        work.runId,
        (signal) =>
          step(
            contextOf(job, work.runId, work.kind, params, signal, (p) => {
              if (p.stage === 'fetch' && typeof p.done === 'number') {
                const { done, total } = p;
                counted = counted
                  .then(() => reporter.chunkDone(job, work.runId, work.kind, work.index, done, total ?? done))
                  .catch((error: unknown) => log(`progress of ${job.id}: ${(error as Error).message}`));
              }
            }),
          ),
        { cancelledBeforeStart: work.symbols.length },
      );
      await counted;
      return chunk.metrics;
    }
    const children = Object.values(await job.getChildrenValues()) as JobMetrics[];
    if (work.type === 'collect') {
      const metrics = collectFetch(work.runId, children, job);
      if (work.final) await finishRun(work.runId, work.join, cancelled ? 'cancelled' : statusOf(metrics), metrics);
      else if (fetchFailedWhole(metrics)) {
        throw new UnrecoverableError(`fetch failed: ${partialOf(metrics)?.message ?? 'every ticker failed'}`);
      }
      return metrics;
    }
    // A step of an update (analyze, precompute) or a whole job of its own kind. A backfill sends its requests
    // through the source's rate limit shared by every worker, as a fetch chunk does.
    const handler =
      work.step === 'backfill'
        ? createConfiguredBackfillStep(store, config, {
            httpGet,
            rateLimiter: limiterOf(typeof work.params.source === 'string' ? work.params.source : 'yahoo'),
          })
        : (handlers as JobHandlers)[work.step];
    if (!handler) throw new UnrecoverableError(`no handler for ${work.step} jobs in this worker`);
    // An update's steps pass their metrics up the flow: the last one holds fetch, analyze and precompute.
    const withSteps = (own?: JobMetrics): JobMetrics => {
      if (work.kind !== 'update') return own ?? {};
      const before = children[0] && work.step !== 'analyze' ? children[0] : { fetch: children[0] };
      return own ? { ...before, [work.step]: own } : before;
    };
    if (cancelled) {
      // What the steps before did (the tickers a cancelled fetch stored) stays in the run's metrics.
      const metrics = withSteps();
      if (work.final) await finishRun(work.runId, work.join, 'cancelled', metrics);
      return metrics;
    }
    await reporter.started(work.runId);
    const stage = work.kind === 'update' ? work.step : undefined;
    let step: Awaited<ReturnType<typeof watched>>;
    try {
      step = await watched(
        work.runId,
        (signal) =>
          handler(
            contextOf(job, work.runId, work.kind, work.params, signal, (p) => {
              void reporter.step(job, work.runId, work.kind, {
                ...p,
                stage: stage ? `${stage}${p.stage ? `/${p.stage}` : ''}` : p.stage,
              });
            }),
          ),
        { cancelled: true },
      );
    } catch (error) {
      // A job of one step that ended with what it did (every ticker of a backfill failed, each request retried
      // already) fails with those metrics, as in one process, and is not run again.
      const own = work.final && work.step === work.kind ? metricsOfError(error) : null;
      if (!own) throw error;
      await finishRun(work.runId, work.join, 'failed', own, (error as Error).message);
      throw new UnrecoverableError((error as Error).message);
    }
    const metrics = withSteps(step.metrics);
    if (work.final) {
      await finishRun(
        work.runId,
        work.join,
        step.cancelled ? 'cancelled' : statusOfSteps(metrics),
        withPartial(metrics),
      );
    }
    return metrics;
  };

  /** Records the run's end in the store and lets a new equal request queue a new run. */
  const finishRun = async (
    runId: string,
    join: string | undefined,
    status: JobStatus,
    metrics: JobMetrics,
    error?: string,
  ) => {
    const partial = partialOf(metrics);
    await store.jobRuns.update(runId, {
      status,
      finishedAt: new Date(),
      metrics,
      error: status === 'succeeded' ? null : (error ?? partial?.message ?? null),
    });
    await releaseRun(runId, join);
  };
  const releaseRun = async (runId: string, join: string | undefined) => {
    // Only this run's key: a new run of the same request may have taken it already.
    if (join && (await redis.get(join)) === runId) await redis.del(join);
    await redis.del(runKeys(prefix, runId).counters);
  };

  const workerConnection = connectRedis(config.redisUrl, { forBullMQ: true, onError });
  const worker: Worker<QueuedWork> = new Worker<QueuedWork>(QUEUE_NAME, runPart, {
    connection: workerConnection,
    prefix,
    concurrency: opts.concurrency,
    ...workerLockOptions(config),
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const last = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    log(`${job.name} ${job.id} failed (attempt ${job.attemptsMade}${last ? ', last' : ''}): ${error.message}`);
    if (!last) return;
    // A part given up fails its run: the parts after it in the flow will never run.
    void (async () => {
      const run = await store.jobRuns.get(job.data.runId);
      if (run && (run.status === 'queued' || run.status === 'running')) {
        await store.jobRuns.update(run.id, {
          status: 'failed',
          finishedAt: new Date(),
          error: await failureCause(worker, prefix, job.name, error.message),
        });
      }
      const join = 'join' in job.data ? job.data.join : undefined;
      await releaseRun(job.data.runId, join);
    })().catch((e) => log(`recording the failure of ${job.id} failed: ${e}`));
  });
  worker.on('completed', (job, value) => {
    const ms = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : null;
    const what = job.data.type === 'chunk' ? ` (${job.data.symbols.length} tickers)` : '';
    const skipped = value && typeof value === 'object' && ('cancelledBeforeStart' in value || 'cancelled' in value);
    if (skipped) log(`${job.name} ${job.id}${what} skipped: its run was cancelled`);
    else log(`${job.name} ${job.id}${what} done${ms === null ? '' : ` in ${ms} ms`}`);
  });
  worker.on('error', (error) => log(`queue worker: ${error.message}`));
  await worker.waitUntilReady();
  return {
    close: async () => {
      claim.release();
      await worker.close();
      await chunkWorker.close();
      await chunkQueue.close();
      // A stopped worker's limits leave `status` at once rather than when their record lapses.
      await Promise.allSettled([...limiters.values()].map((l) => l.close()));
      // BullMQ leaves a connection it was given open.
      workerConnection.disconnect();
      redis.disconnect();
    },
  };
}

/** What a handler sees of a queued part: the run's id and params, its run's cancel, progress going to the run. */
function contextOf(
  job: Job<QueuedWork>,
  runId: string,
  kind: JobContext['kind'],
  params: Record<string, unknown>,
  signal: AbortSignal,
  onProgress: (p: Partial<JobProgress>) => void,
): JobContext {
  return {
    id: runId,
    kind,
    params,
    signal,
    progress: onProgress,
    log: (message) => void job.log(message),
  };
}

/** The metrics a handler that stopped part-way attached to its error (what it stored before it stopped). */
function metricsOfError(error: unknown): JobMetrics | null {
  if (!(error instanceof Error) || !('metrics' in error)) return null;
  const m = error.metrics;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as JobMetrics) : null;
}

/** The fetch's metrics from its chunks' (chunks skipped by a cancel count as not run). */
function collectFetch(runId: string, children: readonly JobMetrics[], job: Job): JobMetrics {
  const parts = children.filter((c) => c && typeof c === 'object' && 'tickers' in c) as unknown as FetchRunMetrics[];
  if (parts.length === 0) return { requested: 0, message: 'nothing to fetch' };
  const seconds = (Date.now() - job.timestamp) / 1000;
  const m = mergeFetchMetrics(runId, parts, seconds);
  const outcome = fetchOutcome(m);
  if (outcome === 'ok') return m as unknown as JobMetrics;
  const partial: JobPartial = {
    message: fetchErrorText(m) ?? 'cancelled before every ticker was fetched',
    failed: fetchFailures(m),
  };
  return { ...(m as unknown as JobMetrics), partial, outcome };
}

function fetchFailedWhole(metrics: JobMetrics): boolean {
  return metrics.outcome === 'failed';
}

function statusOf(metrics: JobMetrics): JobStatus {
  if (metrics.outcome === 'failed') return 'failed';
  return partialOf(metrics) ? 'partial' : 'succeeded';
}

/** An update with a step's failed items is partial, as the in-process update is. */
function statusOfSteps(metrics: JobMetrics): JobStatus {
  return partialOf(withPartial(metrics)) ? 'partial' : 'succeeded';
}

function withPartial(metrics: JobMetrics): JobMetrics {
  if (partialOf(metrics)) return metrics;
  const partial = partialOfSteps(metrics);
  return partial ? { ...metrics, partial } : metrics;
}
