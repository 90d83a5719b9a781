import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { readQueueStatus } from '../../src/jobs/queue/queue-status.js';
import { QUEUE_NAME } from '../../src/jobs/queue/queued-work.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('status of a shared queue', { skip }, () => {
  const redis = testRedisPrefix('unrenewed');
  after(() => redis.cleanup());

  it('names the active parts whose lock nobody renewed: their worker died or hangs', async () => {
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection, prefix: redis.prefix });
    // A worker taking parts by hand renews no lock by itself: the test decides how much of it is left.
    const worker = new Worker(QUEUE_NAME, null, {
      connection,
      prefix: redis.prefix,
      autorun: false,
      lockDuration: 30_000,
    });
    try {
      await queue.add('step', { runId: 'r' }, { jobId: 'held' });
      await queue.add('step', { runId: 'r' }, { jobId: 'lost' });
      const held = await worker.getNextJob('token-held');
      const lost = await worker.getNextJob('token-lost');
      assert.deepEqual([held?.id, lost?.id].sort(), ['held', 'lost']);
      // 'lost' has gone 20 s of its 30 s lock without a renewal; 'held' was just renewed.
      await connection.pexpire(queue.toKey('lost:lock'), 10_000);
      const config = loadConfig({
        env: { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: redis.prefix, WORKER_LOCK_MS: '30000' },
      });
      const status = await readQueueStatus(config);
      assert.equal(status.parts.active, 2);
      assert.deepEqual(status.unrenewed, ['lost']);
    } finally {
      await worker.close(true);
      await queue.close();
      connection.disconnect();
    }
  });
});
