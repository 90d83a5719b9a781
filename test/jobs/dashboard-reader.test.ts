import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createDashboardReader } from '../../src/jobs/dashboard-reader.js';
import { createJobHandlers } from '../../src/jobs/handlers/index.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-job-queue.js';
import type { OverviewPayload } from '../../src/precompute/build-overview.js';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import type { Store } from '../../src/store/store.js';
import { openTempStore, seedAnalysis } from '../precompute/precompute-fixtures.js';

describe('createDashboardReader', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let queue: InProcessJobQueue;
  let ahead: number;
  let cache: DashboardCache;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    await seedAnalysis(store);
    ahead = 0;
    cache = new DashboardCache(store.cache, { ttlMinutes: 15, now: () => new Date(Date.now() + ahead * 60_000) });
    queue = new InProcessJobQueue({ jobRuns: store.jobRuns, handlers: createJobHandlers({ store, cache }) });
  });
  afterEach(async () => {
    await queue.close();
    await dispose();
  });

  it('answers null for an absent key while no precompute runs, and queues none', async () => {
    const read = createDashboardReader(cache, queue);
    assert.equal(await read('overview'), null);
    assert.equal((await store.jobRuns.list({ kind: 'precompute' })).length, 0);
  });

  it('serves many readers of absent keys from the one precompute already running', async () => {
    const running = await queue.enqueue('precompute', {});
    const read = createDashboardReader(cache, queue);
    const results = await Promise.all([read<OverviewPayload>('overview'), read('heatmap'), read('overview')]);
    for (const r of results) assert.equal(r?.meta.stale, false);
    assert.equal(results[0]?.value.asOf, '2018-02-07');
    assert.equal((await running.done).status, 'succeeded');
    assert.equal((await store.jobRuns.list({ kind: 'precompute' })).length, 1);
  });

  it('serves an expired payload marked stale while a precompute job rebuilds it', async () => {
    const read = createDashboardReader(cache, queue);
    assert.equal((await (await queue.enqueue('precompute', {})).done).status, 'succeeded');
    ahead = 16;
    const stale = await read<OverviewPayload>('overview');
    assert.equal(stale?.meta.stale, true);
    assert.equal(stale?.meta.revalidating, true);
    assert.equal(stale?.value.asOf, '2018-02-07');
    // The rebuild runs in the background: wait for it by turns of the event loop, not by time.
    const succeeded = async () => (await store.jobRuns.list({ kind: 'precompute', status: 'succeeded' })).length;
    for (let i = 0; i < 10_000 && (await succeeded()) < 2; i++) await new Promise((r) => setImmediate(r));
    assert.equal(await succeeded(), 2);
    ahead = 0;
    const fresh = await read<OverviewPayload>('overview');
    assert.equal(fresh?.meta.stale, false);
    assert.equal((await store.jobRuns.list({ kind: 'precompute' })).length, 2);
  });

  it('waits for a running full refresh instead of queueing another precompute after it', async () => {
    const refresh = await queue.enqueue('precompute', { full: true });
    const read = createDashboardReader(cache, queue);
    const overview = await read<OverviewPayload>('overview');
    assert.equal(overview?.value.asOf, '2018-02-07');
    assert.equal((await refresh.done).status, 'succeeded');
    assert.deepEqual(
      (await store.jobRuns.list({ kind: 'precompute' })).map((r) => r.params),
      [{ full: true }],
    );
  });

  it('answers null for a key the running precompute does not write', async () => {
    const running = await queue.enqueue('precompute', {});
    const read = createDashboardReader(cache, queue);
    assert.equal(await read('ticker:NOPE'), null);
    assert.equal((await running.done).status, 'succeeded');
  });
});
