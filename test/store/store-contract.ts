import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type Bar,
  type BarSeries,
  barSeriesFromBars,
  emptyBarSeries,
  mergeBarSeries,
  sliceBarSeries,
} from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay, isoFromDay, weekdayOfDay } from '../../src/domain/epoch-day.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { SeededRandom } from '../../src/synthetic/seeded-random.js';
import { commitAnalysis } from '../support/commit-analysis.js';

/**
 * The behaviour every Store adapter must have, with no adapter specifics: the SQLite adapter runs it on a
 * temp file and a PostgreSQL adapter runs the same suite on a scratch schema. `makeStore` must return a
 * new, empty store on each call.
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('tickers', () => {
      it('keeps stored fields when an upsert leaves them null or absent', async () => {
        await store.tickers.upsert([{ symbol: 'AAPL', name: 'Apple Inc.', sector: 'Technology', marketCap: 3e12 }]);
        await store.tickers.upsert([{ symbol: 'AAPL', name: null, exchange: 'NMS', marketCap: 3.1e12 }]);
        const t = await store.tickers.get('AAPL');
        assert.equal(t?.name, 'Apple Inc.');
        assert.equal(t?.sector, 'Technology');
        assert.equal(t?.exchange, 'NMS');
        assert.equal(t?.marketCap, 3.1e12);
        assert.equal(t?.industry ?? null, null);
      });

      it('lists tickers by symbol and answers null for an unknown one', async () => {
        await store.tickers.upsert([{ symbol: 'MSFT' }, { symbol: 'AAPL' }, { symbol: 'BRK.B' }]);
        assert.deepEqual(
          (await store.tickers.list()).map((t) => t.symbol),
          ['AAPL', 'BRK.B', 'MSFT'],
        );
        assert.equal(await store.tickers.get('NOPE'), null);
      });

      it('lists only tickers that have bars as symbolsWithBars', async () => {
        await store.tickers.upsert([{ symbol: 'INFO.ONLY' }]);
        await store.bars.writeTicker({ symbol: 'ZZZ', bars: series('ZZZ', ['2024-01-02']) });
        await store.bars.writeTicker({ symbol: 'AAA', bars: series('AAA', ['2024-01-02']) });
        assert.deepEqual(await store.tickers.symbolsWithBars(), ['AAA', 'ZZZ']);
      });

      it('takes first and last date from the stored bars', async () => {
        await store.bars.writeTicker({
          symbol: 'X',
          info: { name: 'X Corp' },
          bars: series('X', ['2023-03-01', '2023-03-02']),
        });
        await store.bars.writeTicker({ symbol: 'X', bars: series('X', ['2023-02-28', '2023-03-03']) });
        const t = await store.tickers.get('X');
        assert.equal(t?.name, 'X Corp');
        assert.equal(iso(t?.firstDate), '2023-02-28');
        assert.equal(iso(t?.lastDate), '2023-03-03');
      });
    });

    describe('bar writes', () => {
      it('merges by date: new dates are added, stored dates are replaced, the rest kept', async () => {
        const first = await store.bars.writeTicker({
          symbol: 'A',
          bars: series('A', ['2024-01-02', '2024-01-03', '2024-01-04']),
        });
        assert.deepEqual(counts(first), [3, 0, 3]);
        const second = await store.bars.writeTicker({
          symbol: 'A',
          bars: series('A', ['2024-01-04', '2024-01-05'], 100),
        });
        assert.deepEqual(counts(second), [1, 1, 4]);
        const s = await store.bars.read('A');
        assert.deepEqual(isoDates(s), ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
        assert.deepEqual([...s!.close], [10, 11, 100, 101]);
        assert.equal(iso(second.firstDate), '2024-01-02');
        assert.equal(iso(second.lastDate), '2024-01-05');
      });

      it('re-writing the same bars adds 0, changes 0 and leaves the version alone', async () => {
        const w = { symbol: 'A', bars: series('A', ['2023-12-28', '2023-12-29', '2024-01-02']) };
        await store.bars.writeTicker(w);
        const v1 = (await store.bars.versions()).get('A');
        const again = await store.bars.writeTicker(w);
        assert.deepEqual(counts(again), [0, 0, 3]);
        assert.equal((await store.bars.versions()).get('A'), v1);
        const replaced = await store.bars.writeTicker({ ...w, mode: 'replace' });
        assert.deepEqual(counts(replaced), [0, 0, 3]);
        assert.equal((await store.bars.versions()).get('A'), v1);
      });

      it('replace drops stored bars the new history lacks, in every year', async () => {
        await store.bars.writeTicker({
          symbol: 'A',
          bars: series('A', ['2021-06-01', '2022-06-01', '2023-06-01', '2023-06-02']),
        });
        const r = await store.bars.writeTicker({
          symbol: 'A',
          mode: 'replace',
          bars: series('A', ['2023-06-02', '2023-06-05'], 50),
        });
        assert.deepEqual(counts(r), [1, 1, 2]);
        assert.deepEqual(isoDates(await store.bars.read('A')), ['2023-06-02', '2023-06-05']);
        assert.equal(iso(r.firstDate), '2023-06-02');
        const stats = await store.bars.stats();
        assert.equal(stats.bars, 2);
      });

      it('keeps the other years untouched when a write touches one year', async () => {
        const dates = ['2019-12-31', '2020-01-02', '2020-12-31', '2021-01-04', '2022-01-03'];
        await store.bars.writeTicker({ symbol: 'Y', bars: series('Y', dates) });
        await store.bars.writeTicker({ symbol: 'Y', bars: series('Y', ['2021-01-04', '2021-01-05'], 70) });
        const s = await store.bars.read('Y');
        assert.deepEqual(isoDates(s), [...dates.slice(0, 4), '2021-01-05', '2022-01-03']);
        assert.deepEqual([...s!.close], [10, 11, 12, 70, 71, 14]);
      });

      it('writes many tickers in one call and reports each in order', async () => {
        const results = await store.bars.writeTickers([
          { symbol: 'B', bars: series('B', ['2024-01-02', '2024-01-03']) },
          { symbol: 'A', bars: series('A', ['2024-01-02']) },
        ]);
        assert.deepEqual(
          results.map((r) => [r.symbol, r.barsAdded]),
          [
            ['B', 2],
            ['A', 1],
          ],
        );
        assert.deepEqual(await store.tickers.symbolsWithBars(), ['A', 'B']);
      });

      it('rejects a batch holding bars out of date order, naming the ticker, and writes none of it', async () => {
        const bad = series('BAD', ['2024-01-02', '2024-01-03']);
        bad.dates.reverse();
        await assert.rejects(
          store.bars.writeTickers([
            { symbol: 'GOOD', bars: series('GOOD', ['2024-01-02']) },
            { symbol: 'BAD', bars: bad },
          ]),
          /BAD.*ascending/,
        );
        assert.equal(await store.bars.read('GOOD'), null);
      });

      it('keeps NaN as missing and every bit of a price', async () => {
        const s = series('P', ['2024-01-02', '2024-01-03']);
        s.close[0] = 10.732857000000001;
        s.open[1] = Number.NaN;
        s.adjClose[0] = 0.1 + 0.2;
        s.volume[1] = 2 ** 40 + 1;
        await store.bars.writeTicker({ symbol: 'P', bars: s });
        const back = await store.bars.read('P');
        assert.equal(back!.close[0], 10.732857000000001);
        assert.ok(Number.isNaN(back!.open[1]));
        assert.equal(back!.adjClose[0], 0.30000000000000004);
        assert.equal(back!.volume[1], 2 ** 40 + 1);
        const again = await store.bars.writeTicker({ symbol: 'P', bars: s });
        assert.equal(again.barsChanged, 0, 'a NaN written again is not a change');
      });

      it('records the fetch source and its quality flags with the write', async () => {
        const at = new Date('2024-05-01T12:00:00Z');
        await store.bars.writeTicker({
          symbol: 'F',
          bars: series('F', ['2024-01-02']),
          fetch: { source: 'yahoo', attemptedAt: at, flags: [{ kind: 'zero-volume', detail: '1 day' }] },
        });
        const state = await store.fetchState.get('F', 'yahoo');
        assert.equal(state?.lastSuccessAt?.getTime(), at.getTime());
        assert.deepEqual(state?.flags, [{ kind: 'zero-volume', detail: '1 day' }]);
        assert.equal(state?.bars, 1);
      });
    });

    describe('bar write sequences', () => {
      it('matches a reference merge over daily appends, re-fetches, back-fills and a replace', async () => {
        const rng = new SeededRandom(11);
        let day = dayFromIso('2023-06-01');
        const nextDays = (k: number) => {
          const out: number[] = [];
          while (out.length < k) {
            day++;
            const w = weekdayOfDay(day);
            if (w !== 0 && w !== 6) out.push(day);
          }
          return out;
        };
        const make = (dates: readonly number[]) => {
          const s = emptyBarSeries('SEQ', dates.length);
          dates.forEach((d, i) => {
            s.dates[i] = d;
            s.close[i] = Math.round(rng.uniform(10, 20) * 100) / 100;
            s.open[i] = rng.next() < 0.05 ? Number.NaN : s.close[i] - 0.1;
            s.high[i] = s.close[i] + 0.5;
            s.low[i] = s.close[i] - 0.5;
            s.adjClose[i] = s.close[i] * 0.99;
            s.volume[i] = rng.int(1, 1e6);
          });
          return s;
        };
        let reference = emptyBarSeries('SEQ');
        const apply = async (incoming: BarSeries, step: string) => {
          const expected = expectedCounts(reference, incoming);
          const r = await store.bars.writeTicker({ symbol: 'SEQ', bars: incoming });
          reference = mergeBarSeries(reference, incoming);
          assert.deepEqual([r.barsAdded, r.barsChanged, r.barsTotal], [...expected, reference.dates.length], step);
          assertSameSeries(await store.bars.read('SEQ'), reference, step);
        };
        await apply(make(nextDays(150)), 'initial history');
        for (let step = 0; step < 120; step++) {
          const op = rng.next();
          const n = reference.dates.length;
          if (op < 0.6) await apply(make(nextDays(1)), `append day, step ${step}`);
          else if (op < 0.72) await apply(make(nextDays(6)), `append a week, step ${step}`);
          else if (op < 0.84)
            await apply(make([...reference.dates.subarray(n - 3)]), `re-fetch last days, step ${step}`);
          else if (op < 0.94) await apply(make([reference.dates[rng.int(0, n - 1)]]), `back-fill, step ${step}`);
          else await apply(sliceBarSeries(reference, reference.dates[n - 2]), `same bars again, step ${step}`);
        }
        const all: BarSeries[] = [];
        for await (const s of store.bars.readAll()) all.push(s);
        assertSameSeries(all[0], reference, 'readAll');
        const kept = make([...reference.dates.subarray(100, 140)]);
        const r = await store.bars.writeTicker({ symbol: 'SEQ', bars: kept, mode: 'replace' });
        assert.equal(r.barsTotal, 40);
        assertSameSeries(await store.bars.read('SEQ'), kept, 'after replace');
        assert.equal(iso((await store.tickers.get('SEQ'))?.lastDate), isoFromDay(kept.dates[39]));
      });
    });

    describe('bar reads', () => {
      beforeEach(async () => {
        await store.bars.writeTicker({
          symbol: 'R',
          bars: series('R', ['2022-12-30', '2023-01-03', '2023-06-30', '2024-01-02', '2024-01-03']),
        });
      });

      it('reads inclusive ranges with either bound optional', async () => {
        const d = (s: string) => dayFromIso(s);
        assert.deepEqual(isoDates(await store.bars.read('R', { from: d('2023-01-03'), to: d('2024-01-02') })), [
          '2023-01-03',
          '2023-06-30',
          '2024-01-02',
        ]);
        assert.deepEqual(isoDates(await store.bars.read('R', { from: d('2023-07-01') })), ['2024-01-02', '2024-01-03']);
        assert.deepEqual(isoDates(await store.bars.read('R', { to: d('2023-01-02') })), ['2022-12-30']);
      });

      it('answers an empty series for a range without bars and null for a ticker without bars', async () => {
        const empty = await store.bars.read('R', { from: dayFromIso('2023-07-01'), to: dayFromIso('2023-12-31') });
        assert.equal(empty?.dates.length, 0);
        assert.equal(await store.bars.read('UNKNOWN'), null);
      });

      it('streams every ticker in symbol order with its whole history', async () => {
        await store.bars.writeTicker({ symbol: 'C', bars: series('C', ['2024-01-02']) });
        await store.bars.writeTicker({ symbol: 'A', bars: series('A', ['2021-01-04', '2024-01-02']) });
        const seen: [string, number][] = [];
        for await (const s of store.bars.readAll()) seen.push([s.symbol, s.dates.length]);
        assert.deepEqual(seen, [
          ['A', 2],
          ['C', 1],
          ['R', 5],
        ]);
      });

      it('streams only the asked tickers, in symbol order, skipping unknown ones', async () => {
        await store.bars.writeTicker({ symbol: 'A', bars: series('A', ['2024-01-02']) });
        const seen: string[] = [];
        for await (const s of store.bars.readAll(['R', 'NOPE', 'A'])) seen.push(s.symbol);
        assert.deepEqual(seen, ['A', 'R']);
      });

      it('lets the consumer of readAll write to the store between tickers', async () => {
        for (const sym of ['A', 'B', 'C'])
          await store.bars.writeTicker({ symbol: sym, bars: series(sym, ['2024-01-02']) });
        const seen: string[] = [];
        for await (const s of store.bars.readAll()) {
          seen.push(s.symbol);
          await store.tickers.upsert([{ symbol: s.symbol, name: `seen ${s.symbol}` }]);
        }
        assert.deepEqual(seen, ['A', 'B', 'C', 'R']);
        assert.equal((await store.tickers.get('C'))?.name, 'seen C');
      });

      it('bumps a ticker version on every change and only then', async () => {
        const v0 = (await store.bars.versions()).get('R')!;
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', ['2024-01-03']) });
        assert.equal((await store.bars.versions()).get('R'), v0 + 1, 'changed close bumps');
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', ['2024-01-03']) });
        assert.equal((await store.bars.versions()).get('R'), v0 + 1, 'same bars do not bump');
        await store.bars.writeTicker({ symbol: 'R', dividends: [{ date: dayFromIso('2024-01-02'), amount: 1 }] });
        assert.equal((await store.bars.versions()).get('R'), v0 + 1, 'events alone do not bump');
        await store.bars.deleteTicker('R');
        assert.equal((await store.bars.versions()).get('R'), v0 + 2, 'deleting bars bumps');
      });

      it('deletes a ticker’s bars and events but keeps its info', async () => {
        await store.tickers.upsert([{ symbol: 'R', name: 'Arr' }]);
        await store.bars.writeTicker({
          symbol: 'R',
          splits: [{ date: dayFromIso('2023-01-03'), numerator: 2, denominator: 1 }],
        });
        await store.bars.deleteTicker('R');
        assert.equal(await store.bars.read('R'), null);
        assert.deepEqual(await store.bars.splits('R'), []);
        assert.equal((await store.tickers.get('R'))?.name, 'Arr');
        assert.deepEqual(await store.tickers.symbolsWithBars(), []);
      });

      it('counts tickers, bars and the date span in stats', async () => {
        await store.bars.writeTicker({ symbol: 'A', bars: series('A', ['2020-03-02']) });
        const st = await store.bars.stats();
        assert.equal(st.tickers, 2);
        assert.equal(st.bars, 6);
        assert.equal(iso(st.firstDate), '2020-03-02');
        assert.equal(iso(st.lastDate), '2024-01-03');
      });
    });

    describe('superseded bars', () => {
      const dates = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03'];
      beforeEach(async () => {
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', dates) });
      });

      it('keeps nothing when bars are only appended or re-written unchanged', async () => {
        if (!store.bars.superseded) return assert.fail('the adapter must keep superseded bars');
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', [...dates, '2024-01-04']) });
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', [...dates, '2024-01-04']), mode: 'replace' });
        assert.equal((await store.bars.superseded()).size, 0);
      });

      it('keeps nothing when only the adjusted close changes (a dividend re-adjustment)', async () => {
        const next = series('R', dates);
        for (let i = 0; i < next.adjClose.length; i++) next.adjClose[i] *= 0.99;
        await store.bars.writeTicker({ symbol: 'R', bars: next, mode: 'replace' });
        assert.equal((await store.bars.superseded!()).size, 0);
      });

      it('keeps the first history a split or correction replaced, until an analysis run accounts for it', async () => {
        const v0 = (await store.bars.versions()).get('R')!;
        const split = series('R', dates, 5);
        await store.bars.writeTicker({ symbol: 'R', bars: split, mode: 'replace' });
        const fix = series('R', ['2023-12-29'], 7);
        await store.bars.writeTicker({ symbol: 'R', bars: fix });
        const kept = (await store.bars.superseded!(['R', 'NONE'])).get('R');
        assert.deepEqual([...(await store.bars.superseded!()).keys()], ['R']);
        assert.equal(kept?.barVersion, v0);
        assertSameSeries(kept?.bars, series('R', dates), 'the history before the split');
        await commitAnalysis(store, { clearSuperseded: ['R'] });
        assert.equal((await store.bars.superseded!()).size, 0);
      });

      it('keeps a history when a bar is inserted into it, and when the ticker is deleted', async () => {
        await store.bars.writeTicker({ symbol: 'R', bars: series('R', ['2023-12-27']) });
        assertSameSeries((await store.bars.superseded!()).get('R')?.bars, series('R', dates), 'before the insert');
        await store.bars.writeTicker({ symbol: 'D', bars: series('D', dates) });
        await store.bars.deleteTicker('D');
        assertSameSeries((await store.bars.superseded!()).get('D')?.bars, series('D', dates), 'before the delete');
      });
    });

    describe('dividends and splits', () => {
      it('upserts events by date and filters them by range', async () => {
        const d = dayFromIso;
        await store.bars.writeTicker({
          symbol: 'D',
          dividends: [
            { date: d('2023-02-10'), amount: 0.23 },
            { date: d('2023-05-12'), amount: 0.24 },
          ],
          splits: [{ date: d('2020-08-31'), numerator: 4, denominator: 1 }],
        });
        await store.bars.writeTicker({
          symbol: 'D',
          dividends: [{ date: d('2023-05-12'), amount: 0.25 }],
          splits: [{ date: d('2020-08-31'), numerator: 4, denominator: 1 }],
        });
        assert.deepEqual(await store.bars.dividends('D'), [
          { date: d('2023-02-10'), amount: 0.23 },
          { date: d('2023-05-12'), amount: 0.25 },
        ]);
        assert.deepEqual(await store.bars.dividends('D', { from: d('2023-03-01') }), [
          { date: d('2023-05-12'), amount: 0.25 },
        ]);
        assert.deepEqual(await store.bars.splits('D'), [{ date: d('2020-08-31'), numerator: 4, denominator: 1 }]);
        assert.deepEqual(await store.bars.splits('D', { to: d('2020-01-01') }), []);
      });
    });

    describe('fetch state', () => {
      it('keeps the last success, its bar count and merged meta when a later attempt fails', async () => {
        const t1 = new Date('2024-05-01T10:00:00Z');
        const t2 = new Date('2024-05-02T10:00:00Z');
        await store.fetchState.record({ symbol: 'A', source: 'yahoo', at: t1, error: null, bars: 250, meta: { a: 1 } });
        await store.fetchState.record({ symbol: 'A', source: 'yahoo', at: t2, error: 'HTTP 429', meta: { b: 2 } });
        const s = await store.fetchState.get('A', 'yahoo');
        assert.equal(s?.lastSuccessAt?.getTime(), t1.getTime());
        assert.equal(s?.lastAttemptAt?.getTime(), t2.getTime());
        assert.equal(s?.lastError, 'HTTP 429');
        assert.equal(s?.bars, 250);
        assert.deepEqual(s?.meta, { a: 1, b: 2 });
        await store.fetchState.record({ symbol: 'A', source: 'yahoo', at: t2, error: null, bars: 251 });
        assert.equal((await store.fetchState.get('A', 'yahoo'))?.lastError, null);
      });

      it('records a ticker write fetch as a success with its flags and merged meta', async () => {
        const t1 = new Date('2024-05-01T10:00:00Z');
        const t2 = new Date('2024-05-02T10:00:00Z');
        await store.fetchState.record({ symbol: 'M', source: 'yahoo', at: t1, error: 'HTTP 500', meta: { a: 1 } });
        await store.bars.writeTicker({
          symbol: 'M',
          bars: series('M', ['2024-01-02', '2024-01-03']),
          fetch: { source: 'yahoo', attemptedAt: t2, flags: [], meta: { historyFrom: null } },
        });
        const s = await store.fetchState.get('M', 'yahoo');
        assert.equal(s?.lastSuccessAt?.getTime(), t2.getTime());
        assert.equal(s?.lastError, null);
        assert.equal(s?.bars, 2);
        assert.deepEqual(s?.meta, { a: 1, historyFrom: null });
      });

      it('lists states, optionally of one source', async () => {
        const at = new Date();
        await store.fetchState.record({ symbol: 'B', source: 'yahoo', at, error: null });
        await store.fetchState.record({ symbol: 'A', source: 'stooq', at, error: null });
        await store.fetchState.record({ symbol: 'A', source: 'yahoo', at, error: null });
        assert.deepEqual(
          (await store.fetchState.list('yahoo')).map((s) => s.symbol),
          ['A', 'B'],
        );
        assert.equal((await store.fetchState.list()).length, 3);
        assert.equal(await store.fetchState.get('A', 'alphavantage'), null);
      });

      it("forgets every source's state of a deleted ticker and no other's", async () => {
        if (!store.fetchState.forget) return assert.fail('the adapter must forget the fetch state of a deleted ticker');
        const at = new Date();
        await store.fetchState.record({ symbol: 'GONE', source: 'yahoo', at, error: null });
        await store.fetchState.record({ symbol: 'GONE', source: 'stooq', at, error: 'HTTP 404' });
        await store.fetchState.record({ symbol: 'KEPT', source: 'yahoo', at, error: null });
        await store.fetchState.forget('GONE');
        assert.deepEqual(
          (await store.fetchState.list()).map((s) => [s.symbol, s.source]),
          [['KEPT', 'yahoo']],
        );
      });
    });

    describe('readers', () => {
      it("hands back a read snapshot's answer", async () => {
        await store.bars.writeTicker({ symbol: 'S', bars: series('S', ['2024-01-02', '2024-01-03']) });
        const bars = await store.readSnapshot(async () => (await store.bars.read('S'))?.dates.length);
        assert.equal(bars, 2);
      });

      it('lets a worker opened at the reader location read what this store wrote', async () => {
        await store.bars.writeTicker({ symbol: 'W', bars: series('W', ['2024-01-02']) });
        const at = store.readerLocation();
        // Only an in-memory database is out of every other connection's reach.
        if (at === null) return assert.equal(store.location, ':memory:');
        const reader = await openStore({ db: at }, { readOnly: true });
        try {
          assert.deepEqual(await reader.tickers.symbolsWithBars(), ['W']);
        } finally {
          await reader.close();
        }
      });
    });

    describe('quotes', () => {
      it('stores every quote field with its fetch time and replaces the whole row on the next fetch', async () => {
        const first = new Date('2025-03-10T21:00:00Z');
        await store.quotes.upsert(
          [
            { symbol: 'AAPL', name: 'Apple Inc.', marketCap: 3.6e12, trailingPE: 37.5, forwardPE: 30.1, eps: 6.3 },
            { symbol: 'T', dividendYield: 0.0405, sharesOutstanding: 7.2e9, fiftyTwoWeekHigh: 29, averageVolume: 3e7 },
          ],
          first,
        );
        const aapl = await store.quotes.get('AAPL');
        assert.equal(aapl?.fetchedAt.getTime(), first.getTime());
        assert.deepEqual(
          [aapl?.name, aapl?.marketCap, aapl?.trailingPE, aapl?.forwardPE, aapl?.eps, aapl?.dividendYield],
          ['Apple Inc.', 3.6e12, 37.5, 30.1, 6.3, null],
        );
        const later = new Date('2025-03-11T21:00:00Z');
        // A loss now: Yahoo sends no P/E any more, and the stored one must not survive.
        await store.quotes.upsert([{ symbol: 'AAPL', marketCap: 3.5e12, eps: -0.1 }], later);
        const again = await store.quotes.get('AAPL');
        assert.equal(again?.trailingPE, null);
        assert.equal(again?.name, null);
        assert.equal(again?.eps, -0.1);
        assert.equal(again?.fetchedAt.getTime(), later.getTime());
        assert.deepEqual(
          (await store.quotes.list()).map((q) => [q.symbol, q.dividendYield, q.sharesOutstanding]),
          [
            ['AAPL', null, null],
            ['T', 0.0405, 7.2e9],
          ],
        );
        assert.equal(await store.quotes.get('NOPE'), null);
      });

      it('copies name, exchange, currency, type and market cap onto a stored ticker, keeping what the quote lacks', async () => {
        await store.tickers.upsert([{ symbol: 'MSFT', name: 'Old name', sector: 'Technology', marketCap: 1e12 }]);
        await store.quotes.upsert(
          [
            { symbol: 'MSFT', name: 'Microsoft Corporation', exchange: 'NMS', currency: 'USD', quoteType: 'EQUITY' },
            { symbol: 'NOT.STORED', name: 'Quote only', marketCap: 5e9 },
          ],
          new Date('2025-03-10T21:00:00Z'),
        );
        const t = await store.tickers.get('MSFT');
        assert.deepEqual(
          [t?.name, t?.exchange, t?.currency, t?.type, t?.sector, t?.marketCap],
          ['Microsoft Corporation', 'NMS', 'USD', 'EQUITY', 'Technology', 1e12],
        );
        await store.quotes.upsert([{ symbol: 'MSFT', marketCap: 3.1e12 }], new Date('2025-03-11T21:00:00Z'));
        assert.equal((await store.tickers.get('MSFT'))?.marketCap, 3.1e12);
        assert.equal(await store.tickers.get('NOT.STORED'), null, 'a quote alone makes no ticker');
        assert.equal((await store.quotes.get('NOT.STORED'))?.marketCap, 5e9);
      });

      it('writes nothing of a batch holding an invalid quote', async () => {
        await assert.rejects(
          store.quotes.upsert([{ symbol: 'GOOD', price: 1 }, { symbol: '' }], new Date()),
          /quote symbol "" is not valid/,
        );
        assert.deepEqual(await store.quotes.list(), []);
      });
    });

    describe('universes', () => {
      it('replaces members, keeps their order and dates, and keeps the description when absent', async () => {
        const from = dayFromIso('2019-01-02');
        await store.universes.set('sp500', [{ symbol: 'MSFT' }, { symbol: 'AAPL', from, to: null }], 'S&P 500');
        await store.universes.set('sp500', [{ symbol: 'NVDA' }, { symbol: 'AAPL', from }]);
        const members = await store.universes.get('sp500');
        assert.deepEqual(
          members?.map((m) => [m.symbol, m.from ?? null, m.to ?? null]),
          [
            ['NVDA', null, null],
            ['AAPL', from, null],
          ],
        );
        assert.deepEqual(await store.universes.list(), [{ name: 'sp500', members: 2, description: 'S&P 500' }]);
        assert.equal(await store.universes.get('nasdaq100'), null);
      });
    });

    describe('closes', () => {
      it('reads the dates and closes of the symbols that have bars, within a range', async () => {
        // Optional in the port for test doubles; every real adapter has it, so the contract holds them to it.
        assert.ok(store.bars.readCloses, 'the adapter reads closes alone');
        const days = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03'];
        await store.bars.writeTicker({ symbol: 'C', bars: series('C', days) });
        const whole = (await store.bars.read('C'))!;
        const all = await store.bars.readCloses(['C', 'NONE']);
        assert.deepEqual([...all.keys()], ['C']);
        assert.deepEqual([...all.get('C')!.dates], [...whole.dates]);
        assert.deepEqual([...all.get('C')!.close], [...whole.close]);
        const part = (
          await store.bars.readCloses(['C'], { from: dayFromIso('2023-12-29'), to: dayFromIso('2024-01-02') })
        ).get('C')!;
        assert.deepEqual([...part.dates], [dayFromIso('2023-12-29'), dayFromIso('2024-01-02')]);
        assert.deepEqual([...part.close], [whole.close[1], whole.close[2]]);
      });
    });

    describe('portfolios', () => {
      const buy = (date: string, symbol: string, quantity: number, price: number) => ({
        date: dayFromIso(date),
        symbol,
        type: 'buy' as const,
        quantity,
        price,
        fees: 0,
        currency: 'USD',
      });

      it('replaces a portfolio whole, keeps a day in file order and lists counts', async () => {
        await store.portfolios.put({ name: 'main', baseCurrency: 'USD', transactions: [buy('2024-01-03', 'X', 1, 1)] });
        await store.portfolios.put({
          name: 'main',
          baseCurrency: 'USD',
          source: 'trades.csv',
          transactions: [
            buy('2024-01-05', 'MSFT', 2, 300.25),
            buy('2024-01-02', 'ZM', 3, 70),
            buy('2024-01-02', 'AAPL', 10, 185.5),
          ],
        });
        const p = await store.portfolios.get('main');
        assert.equal(p?.source, 'trades.csv');
        assert.deepEqual(
          p?.transactions.map((t) => [t.symbol, t.quantity, t.price]),
          [
            ['ZM', 3, 70],
            ['AAPL', 10, 185.5],
            ['MSFT', 2, 300.25],
          ],
        );
        const [summary] = await store.portfolios.list();
        assert.deepEqual([summary.name, summary.transactions, summary.symbols], ['main', 3, 3]);
        assert.equal(await store.portfolios.get('other'), null);
        await assert.rejects(
          store.portfolios.put({ name: '', baseCurrency: 'USD', transactions: [] }),
          /portfolio name "" is not valid/,
        );
      });
    });

    describe('reports', () => {
      const report = (symbol: string, runId: string, at: string, verdict: 'buy' | 'hold' | 'sell') => ({
        symbol,
        runId,
        analyst: 'rules',
        verdict,
        reasons: [`${verdict} because`],
        summary: `# ${symbol}`,
        facts: { close: 1.5 },
        createdAt: new Date(at),
      });

      it('answers the newest report per ticker and a ticker history newest first', async () => {
        await store.reports.add([
          report('AAPL', 'r1', '2024-01-01T00:00:00Z', 'hold'),
          report('MSFT', 'r1', '2024-01-01T00:00:00Z', 'buy'),
        ]);
        await store.reports.add([report('AAPL', 'r2', '2024-02-01T00:00:00Z', 'sell')]);
        const latest = await store.reports.latest();
        assert.deepEqual(
          latest.map((r) => [r.symbol, r.runId, r.verdict]),
          [
            ['AAPL', 'r2', 'sell'],
            ['MSFT', 'r1', 'buy'],
          ],
        );
        assert.deepEqual(latest[0].facts, { close: 1.5 });
        assert.deepEqual(
          (await store.reports.forSymbol('AAPL')).map((r) => r.runId),
          ['r2', 'r1'],
        );
        assert.deepEqual(
          (await store.reports.latest(['MSFT'])).map((r) => r.symbol),
          ['MSFT'],
        );
      });
    });

    describe('rejects', () => {
      it('counts rejects and lists the newest first', async () => {
        await store.rejects.add([
          { source: 'csv', location: 'a.csv:2', symbol: 'A', reason: 'bad date', raw: 'x,y' },
          { source: 'csv', location: 'a.csv:3', symbol: null, reason: 'no symbol', raw: ',1' },
        ]);
        assert.equal(await store.rejects.count(), 2);
        const list = await store.rejects.list(1);
        assert.equal(list.length, 1);
        assert.equal(list[0].location, 'a.csv:3');
        assert.equal(list[0].symbol, null);
        assert.ok(list[0].createdAt instanceof Date);
      });

      it('keeps a reject once when the same file is imported again', async () => {
        const row = { source: 'csv', location: 'b.csv:7', symbol: 'B', reason: 'high-below-low', raw: '1,2' };
        await store.rejects.add([row]);
        await store.rejects.add([row, { ...row, reason: 'non-numeric' }]);
        assert.equal(await store.rejects.count(), 2);
      });
    });

    describe('dashboard cache', () => {
      it('returns a stored value with its size and expiry', async () => {
        const before = Date.now();
        await store.cache.setMany([{ key: 'page:overview', value: { up: 3, names: ['A'], ratio: 0.1 + 0.2 } }], 60);
        const e = await store.cache.getEntry('page:overview');
        assert.deepEqual(e?.value, { up: 3, names: ['A'], ratio: 0.30000000000000004 });
        assert.ok(e!.meta.bytes > 10);
        const ttl = e!.meta.expiresAt.getTime() - e!.meta.createdAt.getTime();
        assert.equal(ttl, 60 * 60_000);
        assert.ok(e!.meta.createdAt.getTime() >= before - 1000);
        assert.equal(await store.cache.getEntry('missing'), null);
        assert.deepEqual(await store.cache.getMeta('page:overview'), e!.meta);
        assert.equal(await store.cache.getMeta('missing'), null);
      });

      it('still returns an expired entry, with an expiry in the past', async () => {
        await store.cache.setMany([{ key: 'old', value: 1 }], -5);
        const e = await store.cache.getEntry('old');
        assert.equal(e?.value, 1);
        assert.ok(e!.meta.expiresAt.getTime() < Date.now());
      });

      it('writes many entries at once, lists by key and clears', async () => {
        const bytes = await store.cache.setMany(
          [
            { key: 'b', value: [1, 2] },
            { key: 'a', value: 'x' },
          ],
          10,
        );
        assert.equal(bytes, '[1,2]'.length + '"x"'.length);
        await store.cache.setMany([{ key: 'c', value: null }], 10);
        assert.deepEqual(
          (await store.cache.list()).map((m) => m.key),
          ['a', 'b', 'c'],
        );
        assert.equal(await store.cache.clearAll(), 3);
        assert.deepEqual(await store.cache.list(), []);
      });
    });

    describe('job runs', () => {
      it('creates a queued run and applies patches', async () => {
        const run = await store.jobRuns.create({ id: 'r1', kind: 'fetch', params: { tickers: 10 } });
        assert.equal(run.status, 'queued');
        assert.deepEqual(run.params, { tickers: 10 });
        assert.equal(run.progress, null);
        const started = new Date('2024-05-01T10:00:00Z');
        await store.jobRuns.update('r1', {
          status: 'running',
          startedAt: started,
          progress: { done: 3, total: 10, stage: 'fetch', message: 'AAPL' },
        });
        await store.jobRuns.update('r1', { status: 'succeeded', finishedAt: started, metrics: { seconds: 1.5 } });
        const r = await store.jobRuns.get('r1');
        assert.equal(r?.status, 'succeeded');
        assert.equal(r?.startedAt?.getTime(), started.getTime());
        assert.deepEqual(r?.progress, { done: 3, total: 10, stage: 'fetch', message: 'AAPL' });
        assert.deepEqual(r?.metrics, { seconds: 1.5 });
        assert.equal(await store.jobRuns.get('nope'), null);
      });

      it('keeps the creation time it is given (a migrated run)', async () => {
        const at = new Date('2023-02-03T04:05:06.789Z');
        const run = await store.jobRuns.create({ id: 'old-run', kind: 'update', params: {}, createdAt: at });
        assert.equal(run.createdAt.getTime(), at.getTime());
        assert.equal((await store.jobRuns.get('old-run'))?.createdAt.getTime(), at.getTime());
      });

      it('lists runs newest first, filtered by kind, status and limit', async () => {
        await store.jobRuns.create({ id: 'a', kind: 'fetch', params: {} });
        await store.jobRuns.create({ id: 'b', kind: 'analyze', params: {} });
        await store.jobRuns.create({ id: 'c', kind: 'fetch', params: {}, status: 'running' });
        assert.deepEqual(
          (await store.jobRuns.list()).map((r) => r.id),
          ['c', 'b', 'a'],
        );
        assert.deepEqual(
          (await store.jobRuns.list({ kind: 'fetch' })).map((r) => r.id),
          ['c', 'a'],
        );
        assert.deepEqual(
          (await store.jobRuns.list({ status: 'running' })).map((r) => r.id),
          ['c'],
        );
        assert.equal((await store.jobRuns.list({ limit: 1 })).length, 1);
        assert.equal((await store.jobRuns.list({ since: new Date(Date.now() + 60_000) })).length, 0);
      });

      it('marks queued and running runs interrupted, and prunes only finished old runs', async () => {
        await store.jobRuns.create({ id: 'q', kind: 'fetch', params: {} });
        await store.jobRuns.create({ id: 'r', kind: 'fetch', params: {}, status: 'running' });
        await store.jobRuns.create({ id: 'done', kind: 'fetch', params: {}, status: 'succeeded' });
        await store.jobRuns.update('done', { finishedAt: new Date('2020-01-01T00:00:00Z') });
        assert.equal(await store.jobRuns.markInterrupted(), 2);
        assert.equal((await store.jobRuns.get('q'))?.status, 'interrupted');
        assert.equal(await store.jobRuns.prune(new Date('2021-01-01T00:00:00Z')), 1);
        assert.equal(await store.jobRuns.get('done'), null);
        assert.equal((await store.jobRuns.list()).length, 2);
      });

      it('leaves runs whose owner is still alive when marking interrupted', async () => {
        await store.jobRuns.create({ id: 'live', kind: 'update', params: {}, status: 'running', owner: 'h:1' });
        await store.jobRuns.create({ id: 'dead', kind: 'update', params: {}, status: 'running', owner: 'h:2' });
        await store.jobRuns.create({ id: 'old', kind: 'update', params: {}, status: 'queued' });
        assert.equal(await store.jobRuns.markInterrupted((owner) => owner === 'h:1'), 2);
        assert.equal((await store.jobRuns.get('live'))?.status, 'running');
        assert.equal((await store.jobRuns.get('live'))?.owner, 'h:1');
        assert.equal((await store.jobRuns.get('dead'))?.status, 'interrupted');
        assert.equal((await store.jobRuns.get('old'))?.status, 'interrupted');
      });
    });
  });
}

/** A series on the given dates with close = base + index and the other fields derived from it. */
function series(symbol: string, isoDates: readonly string[], base = 10): BarSeries {
  const bars: Bar[] = isoDates.map((d, i) => {
    const c = base + i;
    return {
      date: dayFromIso(d),
      open: c - 0.5,
      high: c + 1,
      low: c - 1,
      close: c,
      adjClose: c * 0.98,
      volume: 1000 * (i + 1),
    };
  });
  return barSeriesFromBars(symbol, bars);
}

function counts(r: { barsAdded: number; barsChanged: number; barsTotal: number }): number[] {
  return [r.barsAdded, r.barsChanged, r.barsTotal];
}

function isoDates(s: BarSeries | null): string[] {
  return s ? [...s.dates].map(isoFromDay) : [];
}

function iso(d: EpochDay | number | null | undefined): string | null {
  return d === null || d === undefined ? null : isoFromDay(d);
}

const FIELDS = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;

/** Added and changed bars a write of `incoming` over `stored` should report (NaN equals NaN). */
function expectedCounts(stored: BarSeries, incoming: BarSeries): [number, number] {
  const at = new Map<number, number>();
  stored.dates.forEach((d, i) => {
    at.set(d, i);
  });
  let added = 0;
  let changed = 0;
  incoming.dates.forEach((d, j) => {
    const i = at.get(d);
    if (i === undefined) added++;
    else if (FIELDS.some((f) => !Object.is(stored[f][i], incoming[f][j]))) changed++;
  });
  return [added, changed];
}

function assertSameSeries(actual: BarSeries | null | undefined, expected: BarSeries, step: string): void {
  assert.ok(actual, `${step}: no series`);
  assert.deepEqual([...actual.dates], [...expected.dates], `${step}: dates`);
  for (const f of FIELDS) assert.deepEqual([...actual[f]], [...expected[f]], `${step}: ${f}`);
}
