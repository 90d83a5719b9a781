import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { type QueueWorker, startQueueWorker } from '../../src/jobs/queue/queue-worker.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('a queue prefix belongs to the store its workers run against', { skip, timeout: 60_000 }, () => {
  const redis = testRedisPrefix('claim');
  let dir: string;
  let ours: SqliteStore;
  let other: SqliteStore;
  let worker: QueueWorker;
  const config = () =>
    loadConfig({ env: { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: redis.prefix, ENABLE_ALPHA_VANTAGE: 'false' } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-claim-'));
    ours = await SqliteStore.open(join(dir, 'ours.db'));
    other = await SqliteStore.open(join(dir, 'other.db'));
    worker = await startQueueWorker({ store: ours, config: config(), concurrency: 1 });
  });

  after(async () => {
    await worker?.close();
    await ours?.close();
    await other?.close();
    await redis.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a run queued from another store, naming both, and queues nothing', async () => {
    const queue = new BullJobQueue({ store: other, config: config(), pollMs: 20 });
    try {
      await assert.rejects(
        queue.enqueue('precompute'),
        (error: Error) =>
          error.name === 'QueueStoreMismatchError' &&
          error.message.includes(
            `run against sqlite store ${ours.location}, not this process's sqlite store ${other.location}`,
          ) &&
          error.message.includes('DATABASE_URL'),
      );
      assert.deepEqual(await other.jobRuns.list(), [], 'no run recorded where no worker would run it');
    } finally {
      await queue.close();
    }
  });

  it('refuses to start a worker on another store beside the running ones', async () => {
    await assert.rejects(
      startQueueWorker({ store: other, config: config(), concurrency: 1 }),
      /run against sqlite store .*ours\.db, not this process's sqlite store .*other\.db/,
    );
  });

  it('runs what the same store queues', async () => {
    const queue = new BullJobQueue({ store: ours, config: config(), pollMs: 20 });
    try {
      const run = await (await queue.enqueue('precompute')).done;
      assert.equal(run.status, 'succeeded', run.error ?? '');
    } finally {
      await queue.close();
    }
  });
});
