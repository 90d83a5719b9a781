import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import type { Store } from '../../src/store/store.js';
import { openTempStore } from './precompute-fixtures.js';

const MINUTE = 60_000;

describe('DashboardCache', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  /** Minutes the cache's clock runs ahead of the wall clock the repo stamps entries with. */
  let ahead = 0;
  let cache: DashboardCache;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    ahead = 0;
    cache = new DashboardCache(store.cache, { ttlMinutes: 15, now: () => new Date(Date.now() + ahead * MINUTE) });
  });
  afterEach(() => dispose());

  it('returns a fresh value and null once the entry has expired', async () => {
    await cache.setMany([{ key: 'overview', value: { asOf: '2018-02-07' } }]);
    assert.deepEqual(await cache.get('overview'), { asOf: '2018-02-07' });
    ahead = 16;
    assert.equal(await cache.get('overview'), null);
    assert.equal(await cache.get('never-written'), null);
  });

  it('serves an expired entry marked stale while refreshing it once, then the new value', async () => {
    await cache.setMany([{ key: 'heatmap', value: { v: 1 } }]);
    ahead = 16;
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const refresh = async () => {
      calls++;
      await gate;
      await cache.setMany([{ key: 'heatmap', value: { v: 2 } }]);
    };
    const reads = await Promise.all([1, 2, 3].map(() => cache.getOrRefresh('heatmap', refresh)));
    for (const r of reads) {
      assert.deepEqual(r?.value, { v: 1 });
      assert.equal(r?.meta.stale, true);
      assert.equal(r?.meta.revalidating, true);
    }
    release();
    // The refresh writes with the wall clock; read back with the cache's clock at the wall clock again.
    await waitFor(async () => (await store.cache.getEntry('heatmap'))?.value, { v: 2 });
    ahead = 0;
    const after = await cache.getOrRefresh('heatmap', refresh);
    assert.deepEqual(after?.value, { v: 2 });
    assert.equal(after?.meta.stale, false);
    assert.equal(calls, 1);
  });

  it('refreshes once for a missing key however many readers miss it at the same time', async () => {
    let calls = 0;
    const refresh = async () => {
      calls++;
      await new Promise((r) => setImmediate(r));
      await cache.setMany([{ key: 'screener', value: { rows: [1, 2, 3] } }]);
    };
    const reads = await Promise.all(Array.from({ length: 5 }, () => cache.getOrRefresh('screener', refresh)));
    assert.equal(calls, 1);
    for (const r of reads) {
      assert.deepEqual(r?.value, { rows: [1, 2, 3] });
      assert.equal(r?.meta.stale, false);
      assert.equal(r?.meta.revalidating, false);
    }
    assert.deepEqual(await cache.get('screener'), { rows: [1, 2, 3] });
  });

  it('answers null when the refresh does not write the missing key', async () => {
    let calls = 0;
    const refresh = async () => {
      calls++;
      await cache.setMany([{ key: 'overview', value: { v: 1 } }]);
    };
    assert.equal(await cache.getOrRefresh('ticker:NOPE', refresh), null);
    assert.equal(calls, 1);
  });

  it('answers null for a missing key without refreshing when rebuildAbsent says no', async () => {
    let calls = 0;
    const refresh = async () => {
      calls++;
      await cache.setMany([{ key: 'overview', value: { v: 1 } }]);
    };
    assert.equal(await cache.getOrRefresh('overview', refresh, { rebuildAbsent: async () => false }), null);
    assert.equal(calls, 0);
    assert.equal(await store.cache.getEntry('overview'), null);
    const built = await cache.getOrRefresh('overview', refresh, { rebuildAbsent: async () => true });
    assert.deepEqual(built?.value, { v: 1 });
    assert.equal(calls, 1);
  });

  it('serves an expired entry stale and refreshes it whatever rebuildAbsent says', async () => {
    await cache.setMany([{ key: 'overview', value: { v: 1 } }]);
    ahead = 16;
    let calls = 0;
    const refresh = async () => {
      calls++;
    };
    let asked = 0;
    const r = await cache.getOrRefresh('overview', refresh, {
      rebuildAbsent: async () => {
        asked++;
        return false;
      },
    });
    assert.deepEqual(r?.value, { v: 1 });
    assert.equal(r?.meta.stale, true);
    assert.equal(asked, 0);
    await waitFor(async () => calls, 1);
  });

  it('keeps the stale entry when the background refresh fails, and reports the error', async () => {
    const errors: string[] = [];
    const failing = new DashboardCache(store.cache, {
      ttlMinutes: 15,
      now: () => new Date(Date.now() + 16 * MINUTE),
      onError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    });
    await failing.setMany([{ key: 'overview', value: { v: 1 } }]);
    const r = await failing.getOrRefresh('overview', async () => {
      throw new Error('analysis tables missing');
    });
    assert.deepEqual(r?.value, { v: 1 });
    await waitFor(async () => errors.length, 1);
    assert.deepEqual(errors, ['overview: analysis tables missing']);
    assert.deepEqual((await store.cache.getEntry('overview'))?.value, { v: 1 });
  });

  it('counts hits and misses and reports fresh, expired, bytes and dates', async () => {
    await cache.setMany([{ key: 'a', value: { x: 1 } }]);
    await cache.setMany([{ key: 'b', value: { x: 2 } }], 1);
    await cache.get('a');
    await cache.get('missing');
    ahead = 5;
    await cache.get('b');
    const stats = await cache.stats();
    assert.equal(stats.total, 2);
    assert.equal(stats.fresh, 1);
    assert.equal(stats.expired, 1);
    assert.equal(stats.hits, 1);
    assert.equal(stats.misses, 2);
    assert.equal(stats.bytes, JSON.stringify({ x: 1 }).length * 2);
    assert.ok(stats.oldest !== null && stats.newest !== null && stats.oldest <= stats.newest);
  });

  it('clearAll deletes every entry and says how many', async () => {
    await cache.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    assert.equal(await cache.clearAll(), 2);
    assert.equal((await cache.stats()).total, 0);
  });

  it('refuses a TTL that is not positive, naming it', () => {
    assert.throws(() => new DashboardCache(store.cache, { ttlMinutes: 0 }), /TTL of 0 minutes/);
  });
});

/** Polls (event-loop turns, not a timer assert) until `read` returns `expected`. */
async function waitFor(read: () => Promise<unknown>, expected: unknown): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    try {
      assert.deepEqual(await read(), expected);
      return;
    } catch {
      await new Promise((r) => setImmediate(r));
    }
  }
  assert.deepEqual(await read(), expected);
}
