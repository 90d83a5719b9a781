import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobProgress } from '../../src/domain/job-run.js';
import { runKeys } from '../../src/jobs/queue/queued-work.js';
import { RunProgressReporter } from '../../src/jobs/queue/run-progress-reporter.js';
import type { Store } from '../../src/store/store.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe("a queued run's progress across chunks", { skip }, () => {
  const prefix = testRedisPrefix('progress');
  let redis: Redis;
  const published: JobProgress[] = [];
  // The run's record in the store: only what the reporter writes to it is kept.
  const store = {
    jobRuns: { update: async (_id: string, u: { progress: JobProgress }) => void published.push(u.progress) },
  } as unknown as Store;
  const job = { updateProgress: async () => {} } as unknown as Job;

  before(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  after(async () => {
    redis.disconnect();
    await prefix.cleanup();
  });

  it('never goes back when a chunk runs again, and counts nothing once the run has ended', async () => {
    const reporter = new RunProgressReporter(redis, store, prefix.prefix);
    const key = runKeys(prefix.prefix, 'run-1').counters;
    await redis.hset(key, { total: 20, done: 0 });
    await reporter.chunkDone(job, 'run-1', 'fetch', 0, 10, 10);
    assert.deepEqual(published.at(-1), { done: 10, total: 20, stage: 'fetch', message: '10 of 20 tickers' });
    // The chunk taken over by another worker counts from 0 again.
    await reporter.chunkDone(job, 'run-1', 'fetch', 0, 3, 10);
    assert.equal(await redis.hget(key, 'c0'), '10');
    await reporter.chunkDone(job, 'run-1', 'fetch', 1, 10, 10);
    assert.deepEqual(published.at(-1), { done: 20, total: 20, stage: 'fetch', message: '20 of 20 tickers' });

    // The run ended: its counters are gone, and a chunk's late count neither brings them back nor reports.
    await redis.del(key);
    const before = published.length;
    await reporter.chunkDone(job, 'run-1', 'fetch', 2, 5, 5);
    assert.equal(await redis.exists(key), 0);
    assert.equal(published.length, before);
  });
});
