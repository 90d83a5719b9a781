import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { computeCoverage } from '../../src/fetch/compute-coverage.js';
import { readSharedRateUsage } from '../../src/fetch/redis-rate-limiter.js';
import type { BackfillRunMetrics } from '../../src/jobs/handlers/configured-backfill-step.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { type QueueWorker, sharedRateLimits, startQueueWorker } from '../../src/jobs/queue/queue-worker.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { storeWithGaps } from '../support/backfill-gaps.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres-test-database.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const pgOk = await postgresAvailable();
const redisOk = await redisAvailable();
const skip = !pgOk.ok ? pgOk.reason : !redisOk.ok ? redisOk.reason : false;
if (skip) console.log(`# ${skip}`);

describe('a backfill queued on the shared queue', { skip, timeout: 60_000 }, () => {
  let server: MarketTestServer;
  let store: PostgresStore;
  let queue: BullJobQueue;
  let config: ReturnType<typeof loadConfig>;
  const redis = testRedisPrefix('backfill');
  /** What was opened, closed in the reverse order (only what was opened when a step of the set-up failed). */
  const opened: (() => Promise<unknown> | undefined)[] = [];

  before(async () => {
    server = await startMarketTestServer();
    opened.push(
      () => server.close(),
      () => redis.cleanup(),
    );
    const database: TestDatabase = await createTestDatabase('backfill');
    opened.push(() => database.drop());
    const db = await database.freshSchemaUrl();
    store = await PostgresStore.open(db);
    opened.push(() => store.close());
    const dir = mkdtempSync(join(tmpdir(), 'marketdeck-queue-backfill-'));
    opened.push(async () => rmSync(dir, { recursive: true, force: true }));
    config = loadConfig({
      env: {
        MARKETDECK_DB: db,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: redis.prefix,
        YAHOO_BASE_URL: server.url,
        // A daily window: every request the workers send is counted in it for the rest of the test.
        YAHOO_RATE_PER_DAY: '100000',
        MARKETDECK_DATA_DIR: join(dir, 'data'),
        FETCH_RETRIES: '0',
        ENABLE_ALPHA_VANTAGE: 'false',
      },
    });
    queue = new BullJobQueue({ store, config, pollMs: 20 });
    opened.push(() => queue.close());
    const worker: QueueWorker = await startQueueWorker({ store, config, concurrency: 2 });
    opened.push(() => worker.close());
  });

  after(async () => {
    for (const close of opened.reverse()) await close();
  });

  it('is run by a worker: the gaps are filled, through the rate limit every worker shares', async () => {
    const gaps = { QBA: ['2024-12-09', '2024-12-10'], QBB: ['2024-10-07', '2024-12-16'], QBC: [] };
    const missing = await storeWithGaps(server, store, gaps);
    server.reset();
    const handle = await queue.enqueue('backfill', { tickers: 'QBA,QBB,QBC', workers: 2 });
    const run = await handle.done;

    assert.equal(run.status, 'succeeded', run.error ?? '');
    const m = run.metrics as unknown as BackfillRunMetrics;
    assert.equal(m.barsAdded, missing);
    assert.deepEqual(m.noGaps, ['QBC']);
    // QBA's two days are one request; QBB's gaps months apart are two.
    assert.equal(m.requests, 3);
    assert.equal(server.stats().byPath.chart?.['200'], 3, 'three requests counted at the server');
    const report = await computeCoverage(store, { symbols: Object.keys(gaps) });
    assert.equal(report.summary.complete, 3, 'every gap filled');

    const client = new Redis(TEST_REDIS_URL);
    try {
      const [yahoo] = await readSharedRateUsage(client, redis.prefix, { yahoo: sharedRateLimits(config).yahoo });
      assert.equal(yahoo.limitsFrom, 'workers', 'a worker took its requests through the shared limiter');
      assert.equal(yahoo.windows.find((w) => w.window === 'perDay')?.used, 3);
    } finally {
      client.disconnect();
    }
  });

  it('fails once with its metrics when every ticker failed, as in one process, instead of being run again', async () => {
    await storeWithGaps(server, store, { QBX: ['2024-12-09'] });
    // Every request for QBX answers a server error; the step sends each request once (FETCH_RETRIES 0).
    server.setKnobs({ scriptedFaults: { kind: 'status5xx', symbols: ['QBX'], failAttempts: 100 } });
    server.reset();
    const run = await (await queue.enqueue('backfill', { tickers: 'QBX' })).done;

    assert.equal(run.status, 'failed', JSON.stringify(run.metrics));
    assert.match(run.error ?? '', /1 of 1 tickers failed/);
    const m = run.metrics as unknown as BackfillRunMetrics;
    assert.deepEqual([m.tickers, m.failed, m.requests], [1, 1, 1]);
    assert.equal(server.requestsFor('QBX'), 1, 'the step was not run again');
  });
});
