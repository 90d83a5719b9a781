import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type BarSeries, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { TickerWriteBatcher } from '../../src/fetch/ticker-write-batcher.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { BarRepo, TickerWrite } from '../../src/store/store.js';

function series(symbol: string, isoDates: readonly string[]): BarSeries {
  return barSeriesFromBars(
    symbol,
    isoDates.map((d, i) => ({
      date: dayFromIso(d),
      open: 10 + i,
      high: 11 + i,
      low: 9 + i,
      close: 10 + i,
      adjClose: 10 + i,
      volume: 1000,
    })),
  );
}

function write(symbol: string): TickerWrite {
  return {
    symbol,
    bars: series(symbol, ['2024-12-30', '2024-12-31']),
    fetch: { source: 'test', attemptedAt: new Date('2025-01-01T00:00:00Z') },
  };
}

/** The store's bar repo, counting the transactions each write method opened. */
function counted(bars: BarRepo) {
  const calls = { one: 0, many: [] as number[] };
  const repo: Pick<BarRepo, 'writeTicker' | 'writeTickers'> = {
    writeTicker: (w) => {
      calls.one++;
      return bars.writeTicker(w);
    },
    writeTickers: (ws) => {
      calls.many.push(ws.length);
      return bars.writeTickers(ws);
    },
  };
  return { repo, calls };
}

describe('TickerWriteBatcher', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marketdeck-write-batcher-'));
    store = await SqliteStore.open(join(dir, 'test.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes tickers that are ready together in one transaction, each with its own result and fetch state', async () => {
    const { repo, calls } = counted(store.bars);
    const batcher = new TickerWriteBatcher(repo, { maxBatch: 32, maxDelayMs: 5 });
    const results = await Promise.all(['A', 'B', 'C'].map((s) => batcher.write(write(s))));
    assert.deepEqual(calls.many, [3]);
    assert.equal(calls.one, 0);
    assert.deepEqual(
      results.map((r) => [r.symbol, r.barsAdded, r.barsTotal]),
      [
        ['A', 2, 2],
        ['B', 2, 2],
        ['C', 2, 2],
      ],
    );
    for (const s of ['A', 'B', 'C']) {
      assert.equal((await store.bars.read(s))?.dates.length, 2);
      assert.equal((await store.fetchState.get(s, 'test'))?.bars, 2);
    }
  });

  it('never puts more than maxBatch tickers in one transaction', async () => {
    const { repo, calls } = counted(store.bars);
    const batcher = new TickerWriteBatcher(repo, { maxBatch: 2, maxDelayMs: 5 });
    await Promise.all(['A', 'B', 'C', 'D', 'E'].map((s) => batcher.write(write(s))));
    assert.ok(
      calls.many.every((n) => n <= 2),
      `batch sizes ${calls.many.join(', ')}`,
    );
    assert.equal(calls.many.reduce((a, b) => a + b, 0) + calls.one, 5);
    assert.equal((await store.bars.stats()).tickers, 5);
  });

  it('stores the other tickers of a batch and fails only the one whose write is invalid', async () => {
    const batcher = new TickerWriteBatcher(store.bars, { maxBatch: 32, maxDelayMs: 5 });
    const bad: TickerWrite = { ...write('BAD'), splits: [{ date: 20088.5 as never, numerator: 2, denominator: 1 }] };
    const outcomes = await Promise.allSettled([
      batcher.write(write('A')),
      batcher.write(bad),
      batcher.write(write('C')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const reason = (outcomes[1] as PromiseRejectedResult).reason as Error;
    assert.match(reason.message, /BAD/);
    assert.equal((await store.bars.read('A'))?.dates.length, 2);
    assert.equal((await store.bars.read('C'))?.dates.length, 2);
    assert.equal(await store.bars.read('BAD'), null);
    assert.equal(await store.fetchState.get('BAD', 'test'), null);
  });

  it('rejects a batch size below one', () => {
    assert.throws(() => new TickerWriteBatcher(store.bars, { maxBatch: 0, maxDelayMs: 5 }), /batch size 0/);
  });
});
