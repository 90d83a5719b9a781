import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('cancelling a queued run no worker has started', { skip, timeout: 30_000 }, () => {
  const redis = testRedisPrefix('cancel-unstarted');
  let dir = '';
  let store: SqliteStore;
  let queue: BullJobQueue;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-cancel-unstarted-'));
    store = await SqliteStore.open(join(dir, 'md.db'));
    const config = loadConfig({
      env: { MARKETDECK_DB: join(dir, 'md.db'), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: redis.prefix },
    });
    // No worker at all: the run can only end by the cancel itself.
    queue = new BullJobQueue({ store, config, pollMs: 20 });
  });
  after(async () => {
    await queue?.close();
    await store?.close();
    await redis.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends the run cancelled at once, and an equal request then queues a run of its own', async () => {
    const first = await queue.enqueue('precompute', {});
    assert.equal((await store.jobRuns.get(first.id))?.status, 'queued');
    assert.equal(await queue.cancel(first.id), true);
    const run = await first.done;
    assert.equal(run.status, 'cancelled');
    assert.ok(run.finishedAt, 'the cancelled run has its end recorded');
    const second = await queue.enqueue('precompute', {});
    assert.equal(second.joined, false, 'a cancelled run is not joined');
    assert.notEqual(second.id, first.id);
    assert.equal(await queue.cancel(second.id), true);
    assert.equal((await second.done).status, 'cancelled');
  });
});
