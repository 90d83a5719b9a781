import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { failureCause } from '../../src/jobs/queue/failure-cause.js';
import { type QueueWorker, startQueueWorker } from '../../src/jobs/queue/queue-worker.js';
import { QUEUE_NAME, workJobId } from '../../src/jobs/queue/queued-work.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { closedPort } from '../support/closed-port.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('a queued run that fails', { skip, timeout: 60_000 }, () => {
  const redis = testRedisPrefix('cause');
  let dir: string;
  let store: SqliteStore;
  let worker: QueueWorker;
  let queue: BullJobQueue;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-cause-'));
    store = await SqliteStore.open(join(dir, 'store.db'));
    const config = loadConfig({
      env: {
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: redis.prefix,
        QUEUE_CHUNK_SIZE: '1',
        YAHOO_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
        FETCH_RETRIES: '0',
        ENABLE_ALPHA_VANTAGE: 'false',
        MARKETDECK_DATA_DIR: join(dir, 'data'),
      },
    });
    worker = await startQueueWorker({ store, config, concurrency: 2 });
    queue = new BullJobQueue({ store, config, pollMs: 20 });
  });

  after(async () => {
    await queue?.close();
    await worker?.close();
    await store?.close();
    await redis.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("records the failed chunk's own cause, not the flow's note that a child failed", async () => {
    const run = await (await queue.enqueue('fetch', { tickers: 'AAA,BBB', quotes: false })).done;
    assert.equal(run.status, 'failed');
    assert.doesNotMatch(run.error ?? '', /child .* failed/);
    assert.match(run.error ?? '', /^chunk: .*(unreachable|ECONNREFUSED)/);

    // Whichever worker records first wins: the flow's own note on the parent must lead to the same cause.
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const jobs = new Queue(QUEUE_NAME, { connection, prefix: redis.prefix });
    try {
      const collect = await Job.fromId(jobs, workJobId(run.id, 'collect'));
      assert.match(collect?.failedReason ?? '', /^child \S+ failed$/, 'the parent carries only a note');
      const cause = await failureCause(jobs, redis.prefix, 'collect', collect!.failedReason);
      assert.match(cause, /^chunk: .*(unreachable|ECONNREFUSED)/);
    } finally {
      await jobs.close();
      connection.disconnect();
    }
  });
});
