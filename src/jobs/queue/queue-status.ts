import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Config, maskUrlPassword } from '../../config/index.js';
import { readSharedRateUsage, type SharedRateUsage } from '../../fetch/redis-rate-limiter.js';
import { connectReadyRedis, connectRedis } from './connect-redis.js';
import { sharedRateLimits } from './queue-worker.js';
import { ANALYSIS_QUEUE_NAME, QUEUE_NAME } from './queued-work.js';

export interface QueueStatus {
  /** The Redis URL with its password masked. */
  redis: string;
  prefix: string;
  /** Queued parts by state (waiting, active, delayed, failed, completed, waiting-children). */
  parts: Record<string, number>;
  /** Analysis chunks of running analyze steps by state (waiting, active, delayed, failed). */
  analysisChunks: Record<string, number>;
  /**
   * Active parts whose worker has not renewed their lock for over half of WORKER_LOCK_MS (a live worker renews
   * it every half): their worker died or hangs, and another takes them over once the lock lapses.
   */
  unrenewed: string[];
  /** Worker processes connected to the queue right now. */
  workers: number;
  /** Each source's limit shared by every worker, and how much of each window is used right now. */
  rateLimits: SharedRateUsage[];
}

/** What `marketdeck status` shows of a shared queue: its parts, its workers and the shared rate limits. */
export async function readQueueStatus(config: Config): Promise<QueueStatus> {
  const { Queue } = await import('bullmq');
  const redis = await connectReadyRedis(config.redisUrl);
  const connection = connectRedis(config.redisUrl, { forBullMQ: true });
  const queue = new Queue(QUEUE_NAME, { connection, prefix: config.queuePrefix });
  const chunks = new Queue(ANALYSIS_QUEUE_NAME, { connection, prefix: config.queuePrefix });
  queue.on('error', () => {});
  chunks.on('error', () => {});
  try {
    const [parts, analysisChunks, workers, rateLimits, unrenewed] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'waiting-children'),
      chunks.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      queue.getWorkersCount(),
      readSharedRateUsage(redis, config.queuePrefix, sharedRateLimits(config)),
      unrenewedParts(redis, [queue, chunks], config.workerLockMs),
    ]);
    return {
      redis: maskUrlPassword(config.redisUrl),
      prefix: config.queuePrefix,
      parts,
      analysisChunks,
      workers,
      rateLimits,
      unrenewed,
    };
  } finally {
    await Promise.allSettled([queue.close(), chunks.close()]);
    connection.disconnect();
    redis.disconnect();
  }
}

/** How many workers serve the shared queue now: all a command that queued a job needs to know to warn. */
export async function countQueueWorkers(config: Config): Promise<number> {
  const { Queue } = await import('bullmq');
  const connection = connectRedis(config.redisUrl, { forBullMQ: true });
  const queue = new Queue(QUEUE_NAME, { connection, prefix: config.queuePrefix });
  queue.on('error', () => {});
  try {
    return await queue.getWorkersCount();
  } finally {
    await queue.close().catch(() => {});
    connection.disconnect();
  }
}

/** The ids of active parts whose lock has less than half of `lockMs` left: nobody renewed it on time. */
async function unrenewedParts(redis: Redis, queues: readonly Queue[], lockMs: number): Promise<string[]> {
  const active = await Promise.all(
    queues.map(async (queue) =>
      (await queue.getRanges(['active'])).map((id) => ({ id, lock: queue.toKey(`${id}:lock`) })),
    ),
  );
  const parts = active.flat();
  // Every lock's time left in one round trip: a status read while many parts run asks once, not once a part.
  const pipeline = redis.pipeline();
  for (const part of parts) pipeline.pttl(part.lock);
  const left = (await pipeline.exec()) ?? [];
  return parts
    .filter((_, i) => {
      const ms = left[i]?.[1] as number;
      // -2: no lock at all (lapsed, not yet taken over); a live worker keeps it above half its duration.
      return ms === -2 || (ms >= 0 && ms < lockMs / 2);
    })
    .map((part) => part.id);
}
