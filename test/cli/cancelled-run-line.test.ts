import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeCancelledRun } from '../../src/cli/commands/describe-cancelled-run.js';
import { loadConfig } from '../../src/config/index.js';
import type { JobRun } from '../../src/domain/job-run.js';
import { BullJobQueue } from '../../src/jobs/queue/bull-job-queue.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { redisAvailable, TEST_REDIS_URL, testRedisPrefix } from '../support/redis-test-prefix.js';
import { cliEntry, runNodeChild } from '../support/run-node-child.js';
import { until } from '../support/until.js';

const redisOk = await redisAvailable();
const skip = redisOk.ok ? false : redisOk.reason;
if (skip) console.log(`# ${skip}`);

describe('a command whose job is cancelled by someone else', { skip, timeout: 60_000 }, () => {
  const redis = testRedisPrefix('cancelled-line');
  const queueEnv = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: redis.prefix };
  let dir = '';
  let db = '';
  let store: SqliteStore;
  let queue: BullJobQueue;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-cancelled-line-'));
    db = join(dir, 'md.db');
    store = await SqliteStore.open(db);
    // The API's side of the queue: the cancel it sends; no worker ever takes the job.
    queue = new BullJobQueue({ store, config: loadConfig({ env: { MARKETDECK_DB: db, ...queueEnv } }), pollMs: 20 });
  });
  after(async () => {
    await Promise.all([queue?.close(), redis.cleanup()]);
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends saying the job was cancelled before it started, not "no error recorded"', async () => {
    const child = runNodeChild([cliEntry(), '--db', db, 'analyze'], {
      ...queueEnv,
      MARKETDECK_DATA_DIR: join(dir, 'data'),
    });
    const queued = await until(async () => (await store.jobRuns.list({ kind: 'analyze' }))[0]);
    assert.equal(await queue.cancel(queued.id), true);
    const r = await child;
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stderr, /no error recorded/);
    assert.match(r.stderr, /no worker is connected to the queue; the analyze job waits until one starts/);
    assert.match(
      r.stderr,
      new RegExp(`analyze job ${queued.id} cancelled before it started; what it stored before stays stored`),
    );
  });
});

// The line alone needs no queue: it is checked without Redis too.
it('a cancelled run that had started says how far it got from its last progress', () => {
  const run: JobRun = {
    id: 'run-7',
    kind: 'analyze',
    params: {},
    status: 'cancelled',
    progress: { done: 40, total: 107, stage: 'analyze', message: '40 tickers analysed' },
    startedAt: new Date('2026-12-06T10:00:00Z'),
    finishedAt: new Date('2026-12-06T10:01:00Z'),
    createdAt: new Date('2026-12-06T10:00:00Z'),
    metrics: null,
    error: null,
    owner: null,
  };
  assert.equal(
    describeCancelledRun(run),
    'analyze job run-7 cancelled after 40 of 107 (analyze: 40 tickers analysed); what it stored before stays stored',
  );
});
