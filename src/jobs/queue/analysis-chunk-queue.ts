import { randomUUID } from 'node:crypto';
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChunkResult, CountsLayout, WireJob } from '../../analysis/analysis-share.js';
import { addTimes, type ExecutedRun, emptyRun } from '../../analysis/analysis-worker-pool.js';
import type { RemoteChunks } from '../../analysis/remote-chunks.js';
import type { Config } from '../../config/index.js';
import { decodeChunkOutput, encodeChunkInput } from './analysis-chunk-codec.js';
import { connectRedis } from './connect-redis.js';
import {
  ANALYSIS_QUEUE_NAME,
  type AnalysisChunkDone,
  type AnalysisChunkWork,
  analysisChunkKeys,
} from './queued-work.js';

/** How long a chunk's input and output stay in Redis: they are deleted when the pass ends, this is for a pass that died. */
export const CHUNK_KEY_TTL_MS = 3_600_000;
/** Attempts of a chunk before its pass fails (the analyze step is then retried as a whole). */
const CHUNK_ATTEMPTS = 3;

/**
 * The planning side of analysis on a shared queue: the worker running an analyze step sends the pass's chunks
 * to the analysis queue, where every worker's chunk runner (its own included) takes them, and adds up what
 * comes back. The step holds the plan in memory meanwhile; if its worker dies, the step is taken over and
 * plans a new pass, whose chunks have new ids, so a chunk of the old pass never counts twice.
 */
export class AnalysisChunkQueue {
  private constructor(
    private readonly queue: Queue<AnalysisChunkWork, AnalysisChunkDone>,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly chunkTickers: number,
    private readonly connections: Redis[],
  ) {}

  static async open(opts: {
    config: Pick<Config, 'redisUrl' | 'queuePrefix' | 'queueAnalysisChunkSize'>;
    redis: Redis;
    onError?: (message: string) => void;
  }): Promise<AnalysisChunkQueue> {
    const { Queue, QueueEvents } = await import('bullmq');
    const { redisUrl, queuePrefix: prefix } = opts.config;
    const queueConnection = connectRedis(redisUrl, { forBullMQ: true, onError: opts.onError });
    const eventConnection = connectRedis(redisUrl, { forBullMQ: true, onError: opts.onError });
    const queue = new Queue<AnalysisChunkWork, AnalysisChunkDone>(ANALYSIS_QUEUE_NAME, {
      connection: queueConnection,
      prefix,
    });
    const events = new QueueEvents(ANALYSIS_QUEUE_NAME, { connection: eventConnection, prefix });
    // connectRedis logs the connections' errors, masked; BullMQ passes them on here too.
    queue.on('error', () => {});
    events.on('error', () => {});
    // Listening before any chunk is added: a chunk that ends at once is still heard.
    await events.waitUntilReady();
    return new AnalysisChunkQueue(queue, events, opts.redis, prefix, opts.config.queueAnalysisChunkSize, [
      queueConnection,
      eventConnection,
    ]);
  }

  /**
   * The chunks of one analyze step's passes; `signal` (the run's cancel) drops the chunks not yet run. Null
   * while no other worker serves the analysis queue: this worker's own threads then analyse the pass whole,
   * without sending its chunks through Redis to itself.
   */
  async forRun(runId: string, signal: AbortSignal): Promise<RemoteChunks | null> {
    if ((await this.queue.getWorkersCount()) < 2) return null;
    return {
      chunkTickers: this.chunkTickers,
      run: (layout, chunks, stop, onProgress) => this.runPass(runId, signal, layout, chunks, stop, onProgress),
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    // BullMQ leaves the connections it was given open.
    for (const c of this.connections) c.disconnect();
  }

  private async runPass(
    runId: string,
    signal: AbortSignal,
    layout: CountsLayout,
    chunks: readonly WireJob[][],
    stop: (c: ChunkResult) => boolean,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ExecutedRun> {
    signal.throwIfAborted();
    const pass = `${runId}.${randomUUID().slice(0, 8)}`;
    const keys = chunks.map((_, i) => analysisChunkKeys(this.prefix, pass, i));
    const ends = this.listenForEnds(chunks.map((_, i) => `${pass}.${i}`));
    let jobs: Job<AnalysisChunkWork, AnalysisChunkDone>[] = [];
    try {
      const inputs = this.redis.multi();
      chunks.forEach((jobsOfChunk, i) => {
        inputs.set(keys[i].input, encodeChunkInput(layout, jobsOfChunk), 'PX', CHUNK_KEY_TTL_MS);
      });
      await inputs.exec();
      jobs = await this.queue.addBulk(
        chunks.map((c, i) => ({
          name: 'chunk',
          data: { runId, pass, index: i, tickers: c.length, ...keys[i] },
          opts: {
            jobId: `${pass}.${i}`,
            attempts: CHUNK_ATTEMPTS,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 3600 },
            removeOnFail: { age: 86_400 },
          },
        })),
      );
      return await this.collect(runId, signal, layout, chunks, ends.promises, stop, onProgress);
    } finally {
      // A pass that stopped early leaves nobody listening for the chunks it dropped.
      const unended = ends.stop();
      // Chunks not started are dropped (one already running ends on its own and its output expires); the
      // ended ones stay on the queue for a while, for who ran what and why one failed.
      await Promise.allSettled(jobs.filter((j) => unended.has(j.id!)).map((j) => this.queue.remove(j.id!)));
      await this.redis.del(...keys.flatMap((k) => [k.input, k.output]));
    }
  }

  /**
   * One promise per chunk id, settled when the queue's events say it completed or failed for good. The listeners
   * are the pass's own, added before its chunks are queued (so a chunk that ends at once is heard) and removed
   * by `stop` whether or not every chunk ended; `stop` gives the ids of the chunks not heard to end.
   */
  private listenForEnds(ids: readonly string[]): {
    promises: Promise<AnalysisChunkDone>[];
    stop: () => Set<string>;
  } {
    const waiting = new Map<string, { resolve: (v: AnalysisChunkDone) => void; reject: (e: Error) => void }>();
    const promises = ids.map(
      (id) =>
        new Promise<AnalysisChunkDone>((resolve, reject) => {
          waiting.set(id, { resolve, reject });
        }),
    );
    // A chunk nobody waits for any more (its pass stopped) must not reject unheard.
    for (const p of promises) p.catch(() => {});
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      waiting.get(jobId)?.resolve(returnvalue as AnalysisChunkDone);
      waiting.delete(jobId);
    };
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      waiting.get(jobId)?.reject(new Error(failedReason));
      waiting.delete(jobId);
    };
    this.events.on('completed', onCompleted);
    this.events.on('failed', onFailed);
    return {
      promises,
      stop: () => {
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
        const unended = new Set(waiting.keys());
        waiting.clear();
        return unended;
      },
    };
  }

  /** Adds up the chunks' outputs in the order they end. */
  private collect(
    runId: string,
    signal: AbortSignal,
    layout: CountsLayout,
    chunks: readonly WireJob[][],
    ends: readonly Promise<AnalysisChunkDone>[],
    stop: (c: ChunkResult) => boolean,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ExecutedRun> {
    const out = emptyRun();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    let done = 0;
    let pending = ends.length;
    return new Promise<ExecutedRun>((resolve, reject) => {
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve(out);
        else reject(error);
      };
      const onAbort = () => settle(signal.reason ?? new Error(`analysis of run ${runId} was cancelled`));
      signal.addEventListener('abort', onAbort, { once: true });
      if (pending === 0) settle();
      ends.forEach((end, index) => {
        end
          .then(async (value: AnalysisChunkDone) => {
            if (value.skipped) throw new Error('its run was cancelled');
            const bytes = await this.redis.getBuffer(value.output);
            if (!bytes) throw new Error('its output is gone from Redis');
            return decodeChunkOutput(bytes, layout);
          })
          .then(({ result, counts }) => {
            if (settled) return;
            out.chunks.push(result);
            out.counts.push(counts);
            addTimes(out.times, result);
            done += result.results.length;
            onProgress?.(done, total);
            if (stop(result) || --pending === 0) settle();
          })
          .catch((error: unknown) =>
            settle(new Error(`analysis chunk ${index} of run ${runId} failed: ${(error as Error)?.message ?? error}`)),
          );
      });
    });
  }

  /** Listeners of chunk ends now: none once every pass has ended (for tests). */
  get endListeners(): number {
    return this.events.listenerCount('completed') + this.events.listenerCount('failed');
  }
}
