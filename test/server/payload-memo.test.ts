import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CachedValue } from '../../src/precompute/dashboard-cache.js';
import { PayloadMemo } from '../../src/server/payload-memo.js';
import type { CacheEntryMeta } from '../../src/store/store.js';

/** A cache of one key whose entry the test rewrites, and a clock the test moves. */
function fixture() {
  let clock = 1_000_000;
  let entry = { value: { v: 1 }, createdAt: 100, expiresAt: clock + 60_000, stale: false };
  let reads = 0;
  let metaReads = 0;
  let hits = 0;
  const memo = new PayloadMemo({
    read: async <T>(key: string): Promise<CachedValue<T> | null> => {
      reads++;
      if (key !== 'page') return null;
      return {
        value: entry.value as T,
        meta: {
          createdAt: new Date(entry.createdAt),
          expiresAt: new Date(entry.expiresAt),
          stale: entry.stale,
          revalidating: false,
        },
      };
    },
    meta: async (key): Promise<CacheEntryMeta | null> => {
      metaReads++;
      return { key, createdAt: new Date(entry.createdAt), expiresAt: new Date(entry.expiresAt), bytes: 1 };
    },
    countHit: () => hits++,
    now: () => clock,
    recheckMs: 1000,
  });
  return {
    memo,
    tick: (ms: number) => (clock += ms),
    rewrite: (v: number) => (entry = { ...entry, value: { v }, createdAt: entry.createdAt + 1 }),
    /** The entry's lifetime passes: the reader now serves it stale while a precompute rebuilds it. */
    expire: () => {
      clock = entry.expiresAt + 1;
      entry = { ...entry, stale: true };
    },
    counts: () => ({ reads, metaReads, hits }),
  };
}

const body = async (memo: PayloadMemo, key = 'page') => JSON.parse(String((await memo.get(key))?.bytes.body)).data;

describe('the payload memo', () => {
  it('reads a payload once and serves its bytes from memory until the recheck', async () => {
    const f = fixture();
    assert.deepEqual(await body(f.memo), { v: 1 });
    await f.memo.get('page');
    await f.memo.get('page');
    assert.deepEqual(f.counts(), { reads: 1, metaReads: 0, hits: 2 });
  });

  it('notices within the recheck that another process rewrote the entry', async () => {
    const f = fixture();
    await f.memo.get('page');
    f.rewrite(2);
    assert.deepEqual(await body(f.memo), { v: 1 }, 'still held before the recheck');
    f.tick(1000);
    assert.deepEqual(await body(f.memo), { v: 2 });
    assert.equal(f.counts().reads, 2);
  });

  it('keeps serving from memory after a recheck that finds the entry unchanged', async () => {
    const f = fixture();
    await f.memo.get('page');
    f.tick(1500);
    await f.memo.get('page');
    await f.memo.get('page');
    assert.deepEqual(f.counts(), { reads: 1, metaReads: 1, hits: 2 });
  });

  it('drops everything when told a precompute finished', async () => {
    const f = fixture();
    await f.memo.get('page');
    f.rewrite(3);
    f.memo.invalidate();
    assert.deepEqual(await body(f.memo), { v: 3 });
  });

  it('never holds an expired payload: the reader serves it stale each time', async () => {
    const f = fixture();
    await f.memo.get('page');
    f.expire();
    const first = JSON.parse(String((await f.memo.get('page'))?.bytes.body));
    assert.equal(first.meta.stale, true);
    await f.memo.get('page');
    assert.equal(f.counts().reads, 3);
  });

  it('answers null for a key the reader has not, holding nothing', async () => {
    const f = fixture();
    assert.equal(await f.memo.get('nope'), null);
    assert.equal(await f.memo.get('nope'), null);
    assert.equal(f.counts().reads, 2);
  });

  it('builds a derived answer once per id', async () => {
    const f = fixture();
    const p = (await f.memo.get('page'))!;
    let built = 0;
    const make = () => {
      built++;
      return p.bytes;
    };
    p.derived('?limit=1', make);
    p.derived('?limit=1', make);
    p.derived('?limit=2', make);
    assert.equal(built, 2);
  });
});
