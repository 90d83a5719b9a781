import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Bar, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import {
  changedInfo,
  findRestatement,
  fullReplacePlan,
  planTickerFetch,
  type RequestPlan,
} from '../../src/fetch/plan-fetch.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-10T22:00:00Z');
const d = (iso: string) => dayFromIso(iso);

function bars(symbol: string, rows: [string, number, number][]) {
  return barSeriesFromBars(
    symbol,
    rows.map(
      ([iso, close, adjClose]): Bar => ({
        date: d(iso),
        open: close,
        high: close,
        low: close,
        close,
        adjClose,
        volume: 1e6,
      }),
    ),
  );
}

describe('planTickerFetch', () => {
  let store: SqliteStore;
  before(async () => {
    store = await SqliteStore.open(':memory:');
    await store.bars.writeTicker({
      symbol: 'AAPL',
      bars: bars('AAPL', [
        ['2026-03-05', 100, 99],
        ['2026-03-06', 101, 100],
      ]),
    });
  });
  after(() => store.close());

  const opts = { now: NOW, maxAgeMs: 24 * HOUR };

  it('asks for the whole history of a ticker that is not stored', async () => {
    const plan = await planTickerFetch(store, 'yahoo', 'MSFT', opts);
    assert.equal(plan.action, 'fetch');
    assert.equal((plan as RequestPlan).kind, 'new');
    assert.equal((plan as RequestPlan).from, undefined);
    assert.equal((plan as RequestPlan).mode, 'merge');
  });

  it('plans a listed ticker without bars as new, from its row alone', async () => {
    await store.tickers.upsert([{ symbol: 'LIST', name: 'Listed Only Inc.', exchange: 'NMS' }]);
    const reads: string[] = [];
    const counting = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'bars') return Reflect.get(target, key, receiver);
        return new Proxy(target.bars, {
          get(bars, name, barsReceiver) {
            const value = Reflect.get(bars, name, barsReceiver);
            if (name !== 'read' || typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              reads.push(String(args[0]));
              return value.apply(bars, args);
            };
          },
        });
      },
    });
    const plan = (await planTickerFetch(counting, 'yahoo', 'LIST', opts)) as RequestPlan;
    assert.equal(plan.kind, 'new');
    assert.equal(plan.tail, null);
    assert.equal(plan.storedInfo?.name, 'Listed Only Inc.');
    assert.deepEqual(reads, [], 'no bars to read for a row whose last date is null');
  });

  it('starts a new ticker at --from when given', async () => {
    const plan = (await planTickerFetch(store, 'yahoo', 'MSFT', { ...opts, from: d('2020-01-01') })) as RequestPlan;
    assert.equal(plan.from, d('2020-01-01'));
  });

  it('asks for the days from the last stored one on, that day included', async () => {
    const plan = (await planTickerFetch(store, 'yahoo', 'AAPL', opts)) as RequestPlan;
    assert.equal(plan.kind, 'incremental');
    assert.equal(plan.from, d('2026-03-06'));
    assert.deepEqual(plan.tail, { date: d('2026-03-06'), close: 101, adjClose: 100 });
  });

  it('skips a ticker fetched successfully within --max-age, unless forced', async () => {
    await store.fetchState.record({
      symbol: 'AAPL',
      source: 'yahoo',
      at: new Date(NOW.getTime() - 3 * HOUR),
      error: null,
      meta: { lastDate: d('2026-03-06') },
    });
    const plan = await planTickerFetch(store, 'yahoo', 'AAPL', opts);
    assert.equal(plan.action, 'skip');
    assert.match(plan.reason, /fresh/);
    assert.equal(
      (await planTickerFetch(store, 'alphavantage', 'AAPL', opts)).action,
      'fetch',
      'freshness is per source',
    );
    assert.equal((await planTickerFetch(store, 'yahoo', 'AAPL', { ...opts, maxAgeMs: 2 * HOUR })).action, 'fetch');
    assert.equal((await planTickerFetch(store, 'yahoo', 'AAPL', { ...opts, forceRefresh: true })).action, 'fetch');
  });

  it('does not count a failed attempt as fresh', async () => {
    await store.fetchState.record({ symbol: 'NOPE', source: 'yahoo', at: NOW, error: 'not-found: no data' });
    assert.equal((await planTickerFetch(store, 'yahoo', 'NOPE', opts)).action, 'fetch');
  });

  it('asks for the whole history again when --from goes further back than before', async () => {
    await store.bars.writeTicker({ symbol: 'IBM', bars: bars('IBM', [['2026-03-06', 10, 10]]) });
    await store.fetchState.record({
      symbol: 'IBM',
      source: 'yahoo',
      at: new Date(NOW.getTime() - 48 * HOUR),
      error: null,
      meta: { lastDate: d('2026-03-06'), historyFrom: d('2025-01-01') },
    });
    const plan = (await planTickerFetch(store, 'yahoo', 'IBM', { ...opts, from: d('2010-01-01') })) as RequestPlan;
    assert.equal(plan.kind, 'full');
    assert.equal(plan.mode, 'merge');
    assert.equal(plan.from, d('2010-01-01'));
    const later = (await planTickerFetch(store, 'yahoo', 'IBM', { ...opts, from: d('2025-06-01') })) as RequestPlan;
    assert.equal(later.kind, 'incremental');
  });

  it('refetches a ticker flagged with missing days once when asked to', async () => {
    await store.bars.writeTicker({ symbol: 'DHR', bars: bars('DHR', [['2026-03-06', 10, 10]]) });
    const flags = [{ kind: 'missing-days' as const, date: d('2026-02-02'), detail: '3 trading days missing' }];
    await store.fetchState.record({ symbol: 'DHR', source: 'yahoo', at: new Date(0), error: null, flags });
    const plan = (await planTickerFetch(store, 'yahoo', 'DHR', { ...opts, refetchGaps: true })) as RequestPlan;
    assert.equal(plan.kind, 'full');
    assert.match(plan.reason, /missing days/);
    assert.equal(((await planTickerFetch(store, 'yahoo', 'DHR', opts)) as RequestPlan).kind, 'incremental');
    await store.fetchState.record({
      symbol: 'DHR',
      source: 'yahoo',
      at: new Date(0),
      error: null,
      meta: { gapsRefetched: true },
    });
    const again = (await planTickerFetch(store, 'yahoo', 'DHR', { ...opts, refetchGaps: true })) as RequestPlan;
    assert.equal(again.kind, 'incremental', 'a source that lacks the days is not asked for them every run');
  });

  it('finds the last stored bar even without a remembered date (bars imported from a file)', async () => {
    await store.bars.writeTicker({
      symbol: 'KO',
      bars: bars('KO', [
        ['2017-01-03', 41, 35],
        ['2018-02-07', 45, 40],
      ]),
    });
    const plan = (await planTickerFetch(store, 'yahoo', 'KO', opts)) as RequestPlan;
    assert.equal(plan.kind, 'incremental');
    assert.equal(plan.from, d('2018-02-07'));
  });
});

describe('findRestatement', () => {
  const tail = { date: d('2026-03-06') as EpochDay, close: 101, adjClose: 100 };
  const noSplits = new Set<number>();

  it('accepts an answer whose overlapping day matches the stored one', () => {
    const answer = {
      bars: bars('X', [
        ['2026-03-06', 101, 100],
        ['2026-03-09', 102, 101],
      ]),
      splits: [],
    };
    assert.equal(findRestatement(tail, answer, noSplits), null);
  });

  it('accepts a last day stored while still trading whose close moved but whose adjustment did not', () => {
    const answer = {
      bars: bars('X', [
        ['2026-03-06', 103.03, 102.01],
        ['2026-03-09', 104, 103],
      ]),
      splits: [],
    };
    assert.equal(findRestatement(tail, answer, noSplits), null);
  });

  it('asks for a full refetch when the adjusted close of the stored day was restated (dividend)', () => {
    const answer = {
      bars: bars('X', [
        ['2026-03-06', 101, 99.5],
        ['2026-03-09', 102, 102],
      ]),
      splits: [],
    };
    assert.match(findRestatement(tail, answer, noSplits) ?? '', /adjusted close .* restated/);
  });

  it('ignores adjusted-close noise below one part in a million', () => {
    const answer = { bars: bars('X', [['2026-03-06', 101, 100.00001]]), splits: [] };
    assert.equal(findRestatement(tail, answer, noSplits), null);
  });

  it('asks for a full refetch when the answer has a split that is not stored', () => {
    const split = { date: d('2026-03-09') as EpochDay, numerator: 4, denominator: 1 };
    const answer = {
      bars: bars('X', [
        ['2026-03-06', 25.25, 25],
        ['2026-03-09', 26, 26],
      ]),
      splits: [split],
    };
    assert.match(findRestatement(tail, answer, noSplits) ?? '', /new split 4:1/);
    assert.equal(
      findRestatement(tail, answer, new Set([d('2026-03-09')])),
      null,
      'a split scales close and adjusted close alike: only the split event reveals it',
    );
    const unchanged = { bars: bars('X', [['2026-03-06', 101, 100]]), splits: [split] };
    assert.equal(findRestatement(tail, unchanged, new Set([d('2026-03-09')])), null, 'a stored split is not new');
  });

  it('asks for a full refetch when the answer lacks the last stored day', () => {
    const answer = { bars: bars('X', [['2026-03-09', 102, 101]]), splits: [] };
    assert.match(findRestatement(tail, answer, noSplits) ?? '', /lacks the last stored day/);
  });

  it('accepts an empty answer (nothing new)', () => {
    assert.equal(findRestatement(tail, { bars: bars('X', []), splits: [] }, noSplits), null);
  });

  it('treats a missing adjusted close on both sides as unchanged', () => {
    const t = { ...tail, adjClose: Number.NaN };
    const answer = { bars: bars('X', [['2026-03-06', 101, Number.NaN]]), splits: [] };
    assert.equal(findRestatement(t, answer, noSplits), null);
  });
});

describe('fullReplacePlan', () => {
  it('replaces the stored history, from --from or else from where the history was first fetched', () => {
    const plan: RequestPlan = {
      symbol: 'AAPL',
      action: 'fetch',
      kind: 'incremental',
      from: d('2026-03-06'),
      mode: 'merge',
      reason: '',
      tail: null,
      state: {
        symbol: 'AAPL',
        source: 'yahoo',
        lastSuccessAt: null,
        lastAttemptAt: null,
        lastError: null,
        bars: 0,
        flags: [],
        meta: { historyFrom: d('2015-01-01') },
      },
    };
    const full = fullReplacePlan(plan, 'new split');
    assert.equal(full.kind, 'full');
    assert.equal(full.mode, 'replace');
    assert.equal(full.from, d('2015-01-01'));
    assert.equal(fullReplacePlan(plan, 'new split', d('2000-01-03')).from, d('2000-01-03'));
    assert.equal(fullReplacePlan({ ...plan, state: null }, 'new split').from, undefined);
  });
});

describe('changedInfo', () => {
  const stored = {
    symbol: 'AAPL',
    name: 'Apple Inc.',
    exchange: 'NMS',
    currency: 'USD',
    type: 'EQUITY',
    sector: 'Tech',
  };

  it('is undefined when every field the source sends equals the stored one, or is null (which keeps it)', () => {
    assert.equal(
      changedInfo(stored, { name: 'Apple Inc.', exchange: 'NMS', currency: 'USD', type: 'EQUITY' }),
      undefined,
    );
    assert.equal(changedInfo(stored, { name: null, exchange: 'NMS', currency: null, type: null }), undefined);
  });

  it('is the whole fetched info when a field is new or differs, or when nothing is stored', () => {
    const renamed = { name: 'Apple', exchange: 'NMS', currency: 'USD', type: 'EQUITY' };
    assert.deepEqual(changedInfo(stored, renamed), renamed);
    const fresh = { name: 'X', exchange: 'NYQ', currency: 'USD', type: 'EQUITY' };
    assert.deepEqual(changedInfo({ symbol: 'X', name: 'X' }, fresh), fresh);
    assert.deepEqual(changedInfo(null, fresh), fresh);
  });

  it('is what planTickerFetch hands on: the plan of a stored ticker carries its stored row', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      await store.bars.writeTicker({
        symbol: 'MSFT',
        bars: bars('MSFT', [['2026-03-09', 400, 400]]),
        info: { name: 'Microsoft', exchange: 'NMS', currency: 'USD', type: 'EQUITY' },
      });
      const plan = await planTickerFetch(store, 'yahoo', 'MSFT', { now: NOW, maxAgeMs: 0 });
      assert.equal(plan.action, 'fetch');
      const info = (plan as RequestPlan).storedInfo;
      assert.equal(info?.name, 'Microsoft');
      assert.equal(
        changedInfo(info, { name: 'Microsoft', exchange: 'NMS', currency: 'USD', type: 'EQUITY' }),
        undefined,
      );
    } finally {
      await store.close();
    }
  });
});
