import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import type { JobHandler } from '../../src/jobs/job-handler.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import type { Store } from '../../src/store/store.js';
import { openTempStore } from '../precompute/precompute-fixtures.js';

describe('Scheduler', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let queue: InProcessJobQueue;
  let scheduler: Scheduler | null;
  let calls: number;
  let release: () => void;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    calls = 0;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const precompute: JobHandler = async () => {
      calls++;
      await gate;
      return {};
    };
    queue = new InProcessJobQueue({ jobRuns: store.jobRuns, handlers: { precompute, update: async () => ({}) } });
    scheduler = null;
  });
  afterEach(async () => {
    scheduler?.stop();
    release();
    await queue.close();
    await dispose();
  });

  function makeScheduler(updateCron = '') {
    scheduler = new Scheduler({ queue, jobRuns: store.jobRuns, precomputeCron: '*/10 * * * *', updateCron });
    return scheduler;
  }

  it('skips a tick while the same kind is still running, so runs never overlap', async () => {
    const s = makeScheduler();
    const first = await s.tick('precompute');
    assert.equal(first.action, 'started');
    const second = await s.tick('precompute');
    assert.equal(second.action, 'skipped');
    assert.match(second.action === 'skipped' ? second.reason : '', /precompute .* is still running/);
    release();
    if (first.action === 'started') assert.equal((await first.done).status, 'succeeded');
    const third = await s.tick('precompute');
    assert.equal(third.action, 'started');
    if (third.action === 'started') await third.done;
    assert.equal(calls, 2);
  });

  it('runs a precompute at start when none ever ran or the last is older than one interval', async () => {
    const s = makeScheduler();
    release();
    const outcomes = await s.start();
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.action]),
      [['precompute', 'started']],
    );
    const first = outcomes[0];
    if (first.action === 'started') await first.done;
    assert.equal(calls, 1);
  });

  it('does not catch up when the last precompute is within the interval', async () => {
    await store.jobRuns.create({ id: 'precompute-recent', kind: 'precompute', params: {} });
    await store.jobRuns.update('precompute-recent', { status: 'succeeded', finishedAt: new Date() });
    const outcomes = await makeScheduler().start();
    assert.deepEqual(outcomes, []);
    assert.equal(calls, 0);
  });

  it('catches up a stale run of each configured schedule, the update only when UPDATE_CRON is set', async () => {
    const old = new Date(Date.now() - 5 * 86_400_000);
    await store.jobRuns.create({ id: 'precompute-recent', kind: 'precompute', params: {} });
    await store.jobRuns.update('precompute-recent', { status: 'succeeded', finishedAt: new Date() });
    await store.jobRuns.create({ id: 'update-old', kind: 'update', params: {} });
    await store.jobRuns.update('update-old', { status: 'succeeded', finishedAt: old });
    assert.deepEqual(await makeScheduler().start(), []);
    scheduler?.stop();
    const outcomes = await makeScheduler('30 17 * * 1-5').start();
    assert.deepEqual(
      outcomes.map((o) => [o.kind, o.action]),
      [['update', 'started']],
    );
  });

  it('refuses an invalid cron expression, naming the setting', () => {
    assert.throws(
      () => new Scheduler({ queue, jobRuns: store.jobRuns, precomputeCron: 'every ten minutes' }),
      /PRECOMPUTE_CRON "every ten minutes" is not a cron expression/,
    );
  });
});
