import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { CountsLayout, WireJob } from '../../src/analysis/analysis-share.js';
import { AnalysisChunkQueue } from '../../src/jobs/queue/analysis-chunk-queue.js';
import { ANALYSIS_QUEUE_NAME } from '../../src/jobs/queue/queued-work.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { until } from '../support/until.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

const layout: CountsLayout = { baseDay: 19_000, days: 1, buckets: ['Energy'] };
const chunk = (symbol: string): WireJob[] => [
  { symbol, bucket: 0, state: null, breadthAfter: null, resume: false } as unknown as WireJob,
];

/**
 * The planning side of a pass on real Redis, with chunk workers whose answers the test decides: a pass that
 * ends early (a failed chunk, a cancel) leaves nobody listening for the chunks it dropped, and none of them
 * stays queued.
 */
describe('a pass of analysis chunks on the shared queue', { skip, timeout: 60_000 }, () => {
  const redisPrefix = testRedisPrefix('chunk-ends');
  let redis: Redis;
  let chunks: AnalysisChunkQueue;
  const workers: Worker[] = [];
  const connections: Redis[] = [];
  /** What the test workers do with a chunk: fail it for good, or hold it until released. */
  let behaviour: 'fail' | 'hold' = 'fail';
  let release: () => void = () => {};
  let held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;

  before(async () => {
    redis = new Redis(TEST_REDIS_URL);
    chunks = await AnalysisChunkQueue.open({
      config: { redisUrl: TEST_REDIS_URL, queuePrefix: redisPrefix.prefix, queueAnalysisChunkSize: 1 },
      redis,
    });
    // Two workers serve the analysis queue, so the pass goes to the queue rather than to this process's threads.
    for (let i = 0; i < 2; i++) {
      const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      connections.push(connection);
      const worker = new Worker(
        ANALYSIS_QUEUE_NAME,
        async (job) => {
          started++;
          if (behaviour === 'fail') throw new UnrecoverableError(`input of ${job.id} is unreadable`);
          await held;
          return { output: job.data.output, skipped: true };
        },
        { connection, prefix: redisPrefix.prefix },
      );
      await worker.waitUntilReady();
      workers.push(worker);
    }
  });

  after(async () => {
    release();
    for (const w of workers) await w.close();
    // BullMQ leaves the connections it was given open.
    for (const c of connections) c.disconnect();
    await chunks?.close();
    redis?.disconnect();
    await redisPrefix.cleanup();
  });

  it('fails naming the chunk whose worker failed it, and stops listening for the others', async () => {
    behaviour = 'fail';
    const remote = await chunks.forRun('run-a', new AbortController().signal);
    assert.ok(remote, 'two workers serve the queue');
    const failed = await remote
      .run(layout, [chunk('AAA'), chunk('BBB'), chunk('CCC')], () => false)
      .then(
        () => assert.fail('a pass with a failed chunk fails'),
        (error: Error) => error.message,
      );
    const id = /^analysis chunk \d of run run-a failed: input of (run-a\.\w+\.\d) is unreadable$/.exec(failed)?.[1];
    assert.ok(id, failed);
    assert.equal(chunks.endListeners, 0, 'no listener is left behind');
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue(ANALYSIS_QUEUE_NAME, { connection, prefix: redisPrefix.prefix });
    try {
      assert.equal(await queue.getJobState(id), 'failed', 'the chunk that failed stays on the queue, with why');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('ends on a cancel while chunks run, stops listening and drops the chunks not started', async () => {
    behaviour = 'hold';
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
    started = 0;
    const cancel = new AbortController();
    const remote = await chunks.forRun('run-b', cancel.signal);
    assert.ok(remote);
    const pass = remote.run(layout, [chunk('AAA'), chunk('BBB'), chunk('CCC'), chunk('DDD')], () => false);
    await until(() => started >= 2);
    cancel.abort(new Error('run run-b was cancelled'));
    await assert.rejects(pass, /run run-b was cancelled/);
    assert.equal(chunks.endListeners, 0, 'no listener is left behind');
    const connection = new Redis(TEST_REDIS_URL);
    const queue = new Queue(ANALYSIS_QUEUE_NAME, { connection, prefix: redisPrefix.prefix });
    try {
      assert.equal(await queue.getWaitingCount(), 0, 'the chunks not started were removed');
    } finally {
      release();
      await queue.close();
      connection.disconnect();
    }
  });
});
