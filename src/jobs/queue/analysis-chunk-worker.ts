import { hostname } from 'node:os';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AnalysisChunkRunner } from '../../analysis/analysis-chunk-runner.js';
import type { Config } from '../../config/index.js';
import type { Store } from '../../store/store.js';
import { decodeChunkInput, encodeChunkOutput } from './analysis-chunk-codec.js';
import { CHUNK_KEY_TTL_MS } from './analysis-chunk-queue.js';
import { connectRedis } from './connect-redis.js';
import { ANALYSIS_QUEUE_NAME, type AnalysisChunkDone, type AnalysisChunkWork, runKeys } from './queued-work.js';
import { workerLockOptions } from './worker-lock-options.js';

export interface AnalysisChunkWorkerOptions {
  store: Store;
  config: Config;
  redis: Redis;
  /** How this worker names itself in a chunk's result (default host:pid). */
  name?: string;
  onError?: (message: string) => void;
  log?: (message: string) => void;
}

/**
 * The running side of analysis on a shared queue: takes analysis chunks one at a time (a chunk keeps this
 * process's cores busy through its analysis threads) and leaves each chunk's output in Redis for the step
 * that planned it.
 */
export async function startAnalysisChunkWorker(opts: AnalysisChunkWorkerOptions): Promise<{ close(): Promise<void> }> {
  const { Worker, UnrecoverableError } = await import('bullmq');
  const { store, config, redis } = opts;
  const log = opts.log ?? (() => {});
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const runner = new AnalysisChunkRunner(store, config.analysisWorkers);
  const connection = connectRedis(config.redisUrl, { forBullMQ: true, onError: opts.onError });
  const worker: Worker<AnalysisChunkWork, AnalysisChunkDone> = new Worker<AnalysisChunkWork, AnalysisChunkDone>(
    ANALYSIS_QUEUE_NAME,
    async (job) => {
      const work = job.data;
      if ((await redis.exists(runKeys(config.queuePrefix, work.runId).cancel)) === 1) {
        return { output: work.output, worker: name, skipped: true };
      }
      const input = await redis.getBuffer(work.input);
      if (!input) {
        throw new UnrecoverableError(
          `analysis chunk ${work.index} of run ${work.runId}: its input is gone (the step that planned it has ended)`,
        );
      }
      const { layout, jobs } = decodeChunkInput(input);
      const started = performance.now();
      const out = await runner.run(layout, jobs);
      await redis.set(work.output, encodeChunkOutput(out), 'PX', CHUNK_KEY_TTL_MS);
      log(
        `analysis chunk ${work.index} of run ${work.runId}: ${jobs.length} tickers in ${Math.round(performance.now() - started)} ms`,
      );
      return { output: work.output, worker: name };
    },
    {
      connection,
      prefix: config.queuePrefix,
      concurrency: 1,
      ...workerLockOptions(config),
    },
  );
  worker.on('error', (error) => log(`analysis chunk worker: ${error.message}`));
  worker.on('failed', (job, error) => {
    if (job)
      log(
        `analysis chunk ${job.data.index} of run ${job.data.runId} failed (attempt ${job.attemptsMade}): ${error.message}`,
      );
  });
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
      await runner.close();
    },
  };
}
