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
import { until } from '../support/until.js';

const pgOk = await postgresAvailable();
const redisOk = await redisAvailable();
const skip = !pgOk.ok ? pgOk.reason : !redisOk.ok ? redisOk.reason : false;
if (skip) console.log(`# ${skip}`);

const CHUNK = 25;
/** Three chunks of tickers named from `prefix`. */
const tickersOf = (prefix: string) =>
  Array.from({ length: 3 * CHUNK }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
/** The 11th ticker of each chunk: its request is held by the server until the client lets go of it. */
const heldOf = (tickers: readonly string[]) => [tickers[10], tickers[CHUNK + 10], tickers[2 * CHUNK + 10]];

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
      knobs: {
        latencyMs: 5,
        scriptedFaults: { kind: 'stall', symbols: [...heldOf(tickersOf('K')), ...heldOf(tickersOf('U'))] },
        stallMs: null,
      },
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

  /**
   * Queues a run of `kind` over 75 new tickers, cancels it once two chunks wait mid-chunk, and checks that
   * what reached the store is exactly the tickers fetched before the cancel, each whole and once.
   */
  const cancelMidChunk = async (kind: 'fetch' | 'update', prefix: string) => {
    const tickers = tickersOf(prefix);
    const held = heldOf(tickers);
    server.reset();
    const before = new Set(await store.tickers.symbolsWithBars());
    const handle = await queue.enqueue(kind, { tickers: tickers.join(','), quotes: false });
    // Both running chunks wait on their eleventh ticker, which the server never answers (a chunk sends one
    // request at a time): without a cancel reaching them they would wait for the HTTP timeout and go on.
    await until(() => (server.stats().byPath.chart?.stalled ?? 0) === 2);
    assert.equal(await queue.cancel(handle.id), true);
    assert.ok(looks.size > 0, 'the worker watches the run while its chunks run');
    await Promise.all([...looks].map((look) => look()));
    const run = await handle.done;

    assert.equal(run.status, 'cancelled', run.error ?? '');
    const asked = (c: number) => tickers.slice(c * CHUNK, (c + 1) * CHUNK).filter((t) => server.requestsFor(t) > 0);
    const running = [0, 1, 2].filter((c) => asked(c).length > 0);
    assert.equal(running.length, 2, 'the third chunk, waiting for a free slot, never started');
    for (const c of running) {
      // A chunk's spare fetch loops pick a few tickers ahead of the held one; none gets past them.
      const last = Math.max(...asked(c).map((t) => tickers.indexOf(t) - c * CHUNK));
      assert.ok(last < 14, `chunk ${c} went on to its ticker ${last} of ${CHUNK} after the cancel`);
    }
    // Every answered ticker is stored (nothing fetched is lost) and nothing else is.
    const answered = running.flatMap(asked).filter((t) => !held.includes(t));
    const stored = (await store.tickers.symbolsWithBars()).filter((s) => !before.has(s));
    assert.deepEqual(stored.sort(), answered.sort());
    for (const symbol of stored) {
      // Each ticker asked once and stored exactly as served: complete, not cut short, no bar twice.
      assert.equal(server.requestsFor(symbol), 1, symbol);
      const bars = await store.bars.read(symbol);
      const served = server.series(symbol)!.bars;
      assert.deepEqual([...(bars?.dates ?? [])], [...served.dates], symbol);
      assert.deepEqual([...(bars?.close ?? [])], [...served.close], symbol);
    }
    for (const symbol of held) assert.equal(await store.bars.read(symbol), null, `${symbol} was never answered`);
    return { run, stored: stored.length };
  };

  it('ends a fetch cancelled with the tickers fetched before the cancel stored whole, once each', async () => {
    const { run, stored } = await cancelMidChunk('fetch', 'K');
    const metrics = run.metrics as { tickers?: { fetched: number; failed: number; notRun: number } };
    assert.equal(metrics.tickers?.fetched, stored);
    assert.equal(metrics.tickers?.failed, 0, 'a ticker stopped by the cancel is not a failure');
    assert.equal(metrics.tickers?.notRun, 2 * CHUNK - stored);
  });

  it('ends an update cancelled before its analysis, keeping the metrics of what it fetched', async () => {
    const { run, stored } = await cancelMidChunk('update', 'U');
    const metrics = run.metrics as { fetch?: { tickers?: { fetched: number } }; analyze?: unknown };
    assert.equal(metrics.fetch?.tickers?.fetched, stored);
    assert.equal(metrics.analyze, undefined, 'the analysis of a cancelled update does not run');
    assert.equal((await store.analysis.screenerRows()).length, 0);
  });
});
