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
    const [parts, analysisChunks, workers, rateLimits] = await Promise.all([
      queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'waiting-children'),
      chunks.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      queue.getWorkersCount(),
      readSharedRateUsage(redis, config.queuePrefix, sharedRateLimits(config)),
    ]);
    return {
      redis: maskUrlPassword(config.redisUrl),
      prefix: config.queuePrefix,
      parts,
      analysisChunks,
      workers,
      rateLimits,
    };
  } finally {
    await Promise.allSettled([queue.close(), chunks.close()]);
    connection.disconnect();
    redis.disconnect();
  }
}
