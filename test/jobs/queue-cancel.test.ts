import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { type QueueWorker, startQueueWorker } from '../../src/jobs/queue/queue-worker.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { type MarketTestServer, startMarketTestServer } from '../support/market-test-server.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres-test-database.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';

const pgOk = await postgresAvailable();
const redisOk = await redisAvailable();
const skip = !pgOk.ok ? pgOk.reason : !redisOk.ok ? redisOk.reason : false;
if (skip) console.log(`# ${skip}`);

const CHUNK = 25;
const TICKERS = Array.from({ length: 3 * CHUNK }, (_, i) => `K${String(i).padStart(4, '0')}`);
/** The 11th ticker of each chunk: its request is held by the server until the client lets go of it. */
const HELD = [TICKERS[10], TICKERS[CHUNK + 10], TICKERS[2 * CHUNK + 10]];

/** Resolves once `condition` holds, looking again on each turn of a short timer. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 10));
}

describe('cancelling a queued fetch stops its running chunks', { skip, timeout: 60_000 }, () => {
  let server: MarketTestServer;
  let database: TestDatabase;
  let store: PostgresStore;
  let dir: string;
  let queue: BullJobQueue;
  let worker: QueueWorker;
  const redis = testRedisPrefix('cancel');
  /** The worker's looks at the cancel keys, run when the test says (no timer). */
  const looks = new Set<() => Promise<void>>();

  before(async () => {
    server = await startMarketTestServer({
      firstDay: '2024-01-02',
      lastDay: '2024-12-31',
      knobs: { latencyMs: 5, scriptedFaults: { kind: 'stall', symbols: HELD }, stallMs: null },
    });
    database = await createTestDatabase('cancel');
    const db = await database.freshSchemaUrl();
    store = await PostgresStore.open(db);
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-cancel-'));
    const config = loadConfig({
      env: {
        MARKETDECK_DB: db,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: redis.prefix,
        QUEUE_CHUNK_SIZE: String(CHUNK),
        YAHOO_BASE_URL: server.url,
        YAHOO_RATE_PER_SECOND: '1000',
        MARKETDECK_DATA_DIR: join(dir, 'data'),
        FETCH_RETRIES: '0',
        ENABLE_ALPHA_VANTAGE: 'false',
      },
    });
    queue = new BullJobQueue({ store, config, pollMs: 20 });
    worker = await startQueueWorker({
      store,
      config,
      // Two chunks at once: both are mid-chunk when the cancel comes; the third waits for a free slot.
      concurrency: 2,
      cancelPoll: (look) => {
        looks.add(look);
        return () => looks.delete(look);
      },
    });
  });

  after(async () => {
    await worker?.close();
    await queue?.close();
    await store?.close();
    await server?.close();
    await redis.cleanup();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends the run cancelled with the tickers fetched before the cancel stored whole, once each', async () => {
    const handle = await queue.enqueue('fetch', { tickers: TICKERS.join(','), quotes: false });
    // Both running chunks have fetched their first ten tickers and wait on the eleventh, which the server
    // never answers: without a cancel reaching them they would wait for the HTTP timeout and go on.
    await until(() => (server.stats().byPath.chart?.stalled ?? 0) === 2);
    assert.equal(await queue.cancel(handle.id), true);
    assert.ok(looks.size > 0, 'the worker watches the run while its chunks run');
    await Promise.all([...looks].map((look) => look()));
    const run = await handle.done;

    assert.equal(run.status, 'cancelled', run.error ?? '');
    // Twenty tickers and the two held requests reached the server, of 75: the third chunk never started.
    assert.equal(server.stats().chartSymbols, 2 * 10 + 2);
    const stored = (await store.tickers.symbolsWithBars()).sort();
    const runningChunks = [0, 1, 2].filter((c) => server.requestsFor(TICKERS[c * CHUNK]) > 0);
    assert.equal(runningChunks.length, 2);
    const expected = runningChunks.flatMap((c) => TICKERS.slice(c * CHUNK, c * CHUNK + 10)).sort();
    assert.deepEqual(stored, expected);
    for (const symbol of stored) {
      // Each ticker asked once and stored exactly as served: complete, not cut short, no bar twice.
      assert.equal(server.requestsFor(symbol), 1, symbol);
      const bars = await store.bars.read(symbol);
      const served = server.series(symbol)!.bars;
      assert.deepEqual([...(bars?.dates ?? [])], [...served.dates], symbol);
      assert.deepEqual([...(bars?.close ?? [])], [...served.close], symbol);
    }
    for (const symbol of HELD) assert.equal(await store.bars.read(symbol), null, `${symbol} was never answered`);

    const metrics = run.metrics as { tickers?: { fetched: number; failed: number; notRun: number } };
    assert.equal(metrics.tickers?.fetched, 20);
    assert.equal(metrics.tickers?.failed, 0, 'a ticker stopped by the cancel is not a failure');
    assert.equal(metrics.tickers?.notRun, 2 * (CHUNK - 10));
  });
});
