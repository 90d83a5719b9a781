import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config/index.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { createConfiguredAnalyzeStep } from '../../src/jobs/handlers/configured-analyze-step.js';
import type { JobContext } from '../../src/jobs/job-handler.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { type QueueWorker, startQueueWorker } from '../../src/jobs/queue/queue-worker.js';
import { ANALYSIS_QUEUE_NAME, type AnalysisChunkDone } from '../../src/jobs/queue/queued-work.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres-test-database.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { runNodeChild } from '../support/run-node-child.js';

const script = fileURLToPath(
  new URL(`../../src/cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

const pgOk = await postgresAvailable();
const redisOk = await redisAvailable();
const skip = !pgOk.ok ? pgOk.reason : !redisOk.ok ? redisOk.reason : false;
if (skip) console.log(`# ${skip}`);

const TICKERS = 200;
const CHUNK = 40;
const market = { tickers: TICKERS, days: 320, seed: 7, endDate: dayFromIso('2024-06-28') };

/** Everything an analysis leaves in a store, in a form to compare. */
async function analysisOf(store: Store) {
  const scopes = await store.analysis.breadthScopes('cached');
  const breadth = await Promise.all(scopes.map((s) => store.analysis.breadth('cached', s)));
  const states = [...(await store.analysis.getStates())].sort(([a], [b]) => a.localeCompare(b));
  return {
    rows: await store.analysis.screenerRows(),
    scopes,
    breadth,
    signals: await store.analysis.signals({ limit: 1_000_000 }),
    states: states.map(([symbol, s]) => ({
      symbol,
      lastDate: s.lastDate,
      state: Buffer.from(s.state ?? []).toString('hex'),
    })),
  };
}

describe('an analyze step on the shared queue sends its chunks to the workers', { skip, timeout: 180_000 }, () => {
  let database: TestDatabase;
  let local: PostgresStore;
  let shared: PostgresStore;
  let queue: BullJobQueue;
  const workers: QueueWorker[] = [];
  const redis = testRedisPrefix('analysis');
  let config: Config;
  let cliEnv: Record<string, string>;

  before(async () => {
    database = await createTestDatabase('analysis_chunks');
    local = await PostgresStore.open(await database.freshSchemaUrl());
    const url = await database.freshSchemaUrl();
    shared = await PostgresStore.open(url);
    await generateUniverse(local, market);
    await generateUniverse(shared, market);
    const env = (threads: number) => ({
      MARKETDECK_DB: url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: redis.prefix,
      QUEUE_ANALYSIS_CHUNK_SIZE: String(CHUNK),
      ANALYSIS_WORKERS: String(threads),
      ENABLE_ALPHA_VANTAGE: 'false',
    });
    config = loadConfig({ env: env(1) });
    cliEnv = env(1);
    queue = new BullJobQueue({ store: shared, config, pollMs: 20 });
    // One worker analyses its chunks on its own thread, the other on two threads of its own.
    workers.push(await startQueueWorker({ store: shared, config, concurrency: 2, name: 'w1' }));
    workers.push(
      await startQueueWorker({ store: shared, config: loadConfig({ env: env(2) }), concurrency: 2, name: 'w2' }),
    );
  });

  after(async () => {
    for (const w of workers) await w.close();
    await queue?.close();
    await local?.close();
    await shared?.close();
    await redis.cleanup();
    await database?.drop();
  });

  it('stores bit for bit what one process stores, each chunk run once, and leaves no chunk data in Redis', async () => {
    const ctx: JobContext = {
      id: 'reference',
      kind: 'analyze',
      params: { full: true },
      signal: new AbortController().signal,
      progress: () => {},
      log: () => {},
    };
    const reference = await createConfiguredAnalyzeStep(local, { analysisWorkers: 1 })(ctx);
    assert.equal(reference.remoteChunks, 0);

    const handle = await queue.enqueue('analyze', { full: true });
    const run = await handle.done;
    assert.equal(run.status, 'succeeded', run.error ?? '');
    const metrics = run.metrics as { tickers: number; remoteChunks: number; mode: string };
    assert.equal(metrics.tickers, TICKERS);
    assert.equal(metrics.mode, 'full');
    assert.equal(metrics.remoteChunks, TICKERS / CHUNK, 'the pass went to the queue in chunks of CHUNK tickers');

    const expected = await analysisOf(local);
    const actual = await analysisOf(shared);
    assert.ok(expected.rows.length === TICKERS && expected.signals.length > 0 && expected.scopes.length > 2);
    assert.deepEqual(actual.rows, expected.rows);
    assert.deepEqual(actual.scopes, expected.scopes);
    assert.deepEqual(actual.breadth, expected.breadth);
    assert.deepEqual(actual.signals, expected.signals);
    assert.deepEqual(actual.states, expected.states);

    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const chunks = new Queue(ANALYSIS_QUEUE_NAME, { connection, prefix: redis.prefix });
    try {
      const done = (await chunks.getJobs(['completed'])).filter((j) => j.data.runId === run.id);
      assert.equal(done.length, TICKERS / CHUNK);
      assert.deepEqual(done.map((j) => j.data.index).sort(), [0, 1, 2, 3, 4]);
      for (const job of done) {
        assert.equal(job.attemptsMade, 1, `chunk ${job.data.index} ran once`);
        assert.ok(['w1', 'w2'].includes((job.returnvalue as AnalysisChunkDone).worker));
      }
      assert.deepEqual(await connection.keys(`${redis.prefix}:chunk:*`), [], 'inputs and outputs are deleted');
    } finally {
      await chunks.close();
      connection.disconnect();
    }
  });

  it('says so in the summary of `marketdeck analyze --full` queued from the command line', async () => {
    const r = await runNodeChild([script, 'analyze', '--full'], cliEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /full analysis of cached: 200 tickers .* 5 chunks run by the queue's workers/);
  });

  it('analyses a pass whole on its own threads when no other worker is there to take chunks', async () => {
    await workers.pop()?.close();
    const run = await (await queue.enqueue('analyze', { full: true })).done;
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal((run.metrics as { remoteChunks: number }).remoteChunks, 0);
    assert.deepEqual(await analysisOf(shared), await analysisOf(local));
  });
});
