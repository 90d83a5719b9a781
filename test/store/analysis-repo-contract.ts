import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BREADTH_FIELDS, type BreadthSeries } from '../../src/domain/breadth-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import type { ScreenerRow } from '../../src/domain/screener-row.js';
import type { Signal, SignalKind } from '../../src/domain/signal.js';
import { openStore } from '../../src/store/open-store.js';
import type { SignalColumns, Store } from '../../src/store/store.js';
import { commitAnalysis, signalColumns } from '../support/commit-analysis.js';

/**
 * What every Store adapter's AnalysisRepo must do, with no adapter specifics. `makeStore` returns a new,
 * empty store on each call; the suite closes it.
 */
export function runAnalysisRepoContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`AnalysisRepo contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('run writer', () => {
      const columns = (symbols: string[], dates: number[]): SignalColumns => ({
        symbols,
        kinds: ['golden-cross'],
        symbolIndex: Int32Array.from(dates, (_, i) => i % symbols.length),
        dates: Int32Array.from(dates),
        kindIndex: new Uint8Array(dates.length),
        values: Float64Array.from(dates, (d) => d / 10),
      });
      const empty = columns([], []);
      const rest = { screenerRows: [], signalsFrom: new Map(), signals: empty, states: [] };

      const withOldSignals = () =>
        store.analysis.commitRun({ ...rest, signalsFrom: new Map([['A', null]]), signals: columns(['A'], [100]) });

      it('replaces the signals part by part and shows them only once committed', async () => {
        await withOldSignals();
        // Another connection, as another process has: it sees the previous run until the commit.
        const reader = await openStore({ db: store.readerLocation()! });
        try {
          const writer = await store.analysis.beginRun?.({ replacing: new Set(['A', 'B']) });
          assert.ok(writer);
          await writer.addSignals({ signalsFrom: new Map([['A', null]]), signals: columns(['A'], [200]) });
          await writer.addSignals({ signalsFrom: new Map([['B', null]]), signals: columns(['B'], [300]) });
          assert.deepEqual(
            (await reader.analysis.signals()).map((s) => [s.symbol, s.date]),
            [['A', 100]],
          );
          await writer.commit(rest);
          assert.deepEqual(
            (await reader.analysis.signals()).map((s) => [s.symbol, s.date]),
            [
              ['B', 300],
              ['A', 200],
            ],
          );
        } finally {
          await reader.close();
        }
      });

      it('takes parts handed in together, one after another on its connection', async () => {
        const warnings: string[] = [];
        const onWarning = (w: Error) => warnings.push(w.message);
        process.on('warning', onWarning);
        try {
          const writer = await store.analysis.beginRun?.({ replacing: new Set(['A', 'B', 'C']) });
          assert.ok(writer);
          // As a run hands in chunks whose results come back together: nobody awaits one before the next.
          await Promise.all([
            writer.addSignals({ signalsFrom: new Map([['A', null]]), signals: columns(['A'], [200, 210]) }),
            writer.addSignals({ signalsFrom: new Map([['B', null]]), signals: columns(['B'], [300]) }),
            writer.addSignals({ signalsFrom: new Map([['C', null]]), signals: columns(['C'], [400]) }),
            writer.commit(rest),
          ]);
          assert.deepEqual(
            (await store.analysis.signals()).map((s) => [s.symbol, s.date]),
            [
              ['C', 400],
              ['B', 300],
              ['A', 210],
              ['A', 200],
            ],
          );
          // Let a warning emitted on the last statement reach the listener.
          await new Promise((r) => setImmediate(r));
          assert.deepEqual(
            warnings.filter((w) => w.includes('already executing')),
            [],
          );
        } finally {
          process.off('warning', onWarning);
        }
      });

      it('keeps the previous run whole when aborted or when a part is invalid', async () => {
        await withOldSignals();
        const aborted = await store.analysis.beginRun?.({ replacing: new Set(['A']) });
        assert.ok(aborted);
        await aborted.addSignals({ signalsFrom: new Map([['A', null]]), signals: columns(['A'], [200]) });
        await aborted.abort();
        assert.deepEqual(
          (await store.analysis.signals()).map((s) => [s.symbol, s.date]),
          [['A', 100]],
        );
        const failing = await store.analysis.beginRun?.({ replacing: new Set(['A']) });
        assert.ok(failing);
        await assert.rejects(
          failing.addSignals({ signalsFrom: new Map([['A', 150]]), signals: columns(['A'], [120]) }),
          /before the replaced span starting on day 150/,
        );
        await assert.rejects(failing.commit(rest), /already committed or aborted/);
        assert.deepEqual(
          (await store.analysis.signals()).map((s) => [s.symbol, s.date]),
          [['A', 100]],
        );
      });
    });

    describe('screener rows', () => {
      it('upserts rows by symbol and lists them by symbol', async () => {
        await commitAnalysis(store, { screenerRows: [row('MSFT', 410), row('AAPL', 180)] });
        await commitAnalysis(store, { screenerRows: [row('AAPL', 185)] });
        const rows = await store.analysis.screenerRows();
        assert.deepEqual(
          rows.map((r) => [r.symbol, r.close]),
          [
            ['AAPL', 185],
            ['MSFT', 410],
          ],
        );
        assert.deepEqual(await store.analysis.screenerRow('MSFT'), row('MSFT', 410));
        assert.equal(await store.analysis.screenerRow('NOPE'), null);
      });
    });

    describe('signals', () => {
      it("replaces only the given symbols' signals and returns them newest first", async () => {
        await commitAnalysis(store, {
          signals: [sig('AAPL', '2017-03-01', 'golden-cross', 1), sig('MSFT', '2018-01-02', 'rsi-above-70', 71)],
        });
        await commitAnalysis(store, { signals: [sig('AAPL', '2016-05-05', 'volume-spike', 2.5)] });
        const all = await store.analysis.signals();
        assert.deepEqual(all, [
          sig('MSFT', '2018-01-02', 'rsi-above-70', 71),
          sig('AAPL', '2016-05-05', 'volume-spike', 2.5),
        ]);
      });

      it('filters by symbol, kind and date, and limits to the newest', async () => {
        await commitAnalysis(store, {
          signals: [
            sig('A', '2015-06-01', 'new-52w-high', 10),
            sig('A', '2017-06-01', 'new-52w-high', 12),
            sig('A', '2017-06-01', 'golden-cross', 11),
            sig('B', '2017-09-01', 'new-52w-high', 30),
            sig('B', '2018-01-03', 'death-cross', 29),
          ],
        });
        assert.deepEqual(
          (await store.analysis.signals({ symbol: 'A' })).map((s) => [s.date, s.kind]),
          [
            [day('2017-06-01'), 'golden-cross'],
            [day('2017-06-01'), 'new-52w-high'],
            [day('2015-06-01'), 'new-52w-high'],
          ],
        );
        assert.deepEqual(
          (await store.analysis.signals({ kind: 'new-52w-high', since: day('2017-01-01') })).map((s) => s.symbol),
          ['B', 'A'],
        );
        assert.deepEqual(
          (await store.analysis.signals({ limit: 2 })).map((s) => [s.symbol, s.kind]),
          [
            ['B', 'death-cross'],
            ['B', 'new-52w-high'],
          ],
        );
        assert.deepEqual(await store.analysis.signals({ symbol: 'NOPE' }), []);
      });

      it("replaces a symbol's signals from a date on, keeping the earlier ones, across years", async () => {
        await commitAnalysis(store, {
          signals: [
            sig('A', '2016-12-30', 'volume-spike', 3),
            sig('A', '2017-01-03', 'golden-cross', 1),
            sig('A', '2017-02-01', 'rsi-above-70', 72),
          ],
        });
        await store.analysis.commitRun({
          screenerRows: [],
          signalsFrom: new Map([['A', day('2017-01-10')]]),
          signals: signalColumns([sig('A', '2017-01-10', 'death-cross', 2), sig('A', '2018-01-02', 'new-52w-low', 5)]),
          states: [],
        });
        assert.deepEqual(
          (await store.analysis.signals({ symbol: 'A' })).map((s) => [s.date, s.kind]),
          [
            [day('2018-01-02'), 'new-52w-low'],
            [day('2017-01-10'), 'death-cross'],
            [day('2017-01-03'), 'golden-cross'],
            [day('2016-12-30'), 'volume-spike'],
          ],
        );
      });

      it('appends signals after the stored ones and folds them back when the span is replaced', async () => {
        await commitAnalysis(store, { signals: [sig('A', '2017-12-28', 'golden-cross', 1)] });
        for (const s of [sig('A', '2018-01-02', 'volume-spike', 3), sig('A', '2018-01-03', 'rsi-above-70', 71)]) {
          await store.analysis.commitRun({
            screenerRows: [],
            signalsFrom: new Map(),
            signalsAppend: new Set(['A']),
            signals: signalColumns([s]),
            states: [],
          });
        }
        assert.deepEqual(
          (await store.analysis.signals({ symbol: 'A' })).map((s) => [s.date, s.kind]),
          [
            [day('2018-01-03'), 'rsi-above-70'],
            [day('2018-01-02'), 'volume-spike'],
            [day('2017-12-28'), 'golden-cross'],
          ],
        );
        assert.deepEqual(
          (await store.analysis.signals({ since: day('2018-01-01'), kind: 'volume-spike' })).map((s) => s.date),
          [day('2018-01-02')],
        );
        await store.analysis.commitRun({
          screenerRows: [],
          signalsFrom: new Map([['A', day('2018-01-03')]]),
          signals: signalColumns([sig('A', '2018-01-04', 'death-cross', 2)]),
          states: [],
        });
        assert.deepEqual(
          (await store.analysis.signals({ symbol: 'A' })).map((s) => [s.date, s.kind]),
          [
            [day('2018-01-04'), 'death-cross'],
            [day('2018-01-02'), 'volume-spike'],
            [day('2017-12-28'), 'golden-cross'],
          ],
        );
        assert.deepEqual(
          (await store.analysis.signals({ limit: 1 })).map((s) => s.kind),
          ['death-cross'],
        );
      });

      it('rejects new signals dated before the span they replace', async () => {
        await assert.rejects(
          store.analysis.commitRun({
            screenerRows: [],
            signalsFrom: new Map([['A', day('2017-01-10')]]),
            signals: signalColumns([sig('A', '2017-01-09', 'death-cross', 2)]),
            states: [],
          }),
          /before the replaced span/,
        );
      });

      it('accepts signal columns in any order and stores them by date', async () => {
        const c = signalColumns([sig('B', '2017-05-02', 'golden-cross', 1), sig('A', '2017-05-03', 'death-cross', 2)]);
        const shuffled: SignalColumns = {
          ...c,
          symbolIndex: Int32Array.from([0, 1, 0]),
          dates: Int32Array.from([day('2017-05-02'), day('2017-05-03'), day('2017-05-01')]),
          kindIndex: Uint8Array.from([0, 1, 1]),
          values: Float64Array.from([1, 2, 3]),
        };
        await store.analysis.commitRun({
          screenerRows: [],
          signalsFrom: new Map([
            ['A', null],
            ['B', null],
          ]),
          signals: shuffled,
          states: [],
        });
        assert.deepEqual(
          (await store.analysis.signals({ symbol: 'B' })).map((s) => [s.date, s.kind, s.value]),
          [
            [day('2017-05-02'), 'golden-cross', 1],
            [day('2017-05-01'), 'death-cross', 3],
          ],
        );
      });
    });

    describe('breadth', () => {
      it("stores a universe's scopes, reads a date range, and drops scopes a later write leaves out", async () => {
        await commitAnalysis(store, {
          breadth: { universe: 'sp500', series: [breadth('all', 5), breadth('sector:Energy', 3)] },
        });
        assert.deepEqual(await store.analysis.breadthScopes('sp500'), ['all', 'sector:Energy']);
        const all = await store.analysis.breadth('sp500', 'all');
        assert.deepEqual(all, breadth('all', 5));
        const part = await store.analysis.breadth('sp500', 'all', { from: 17_001, to: 17_003 });
        assert.deepEqual(Array.from(part!.dates), [17_001, 17_002, 17_003]);
        assert.deepEqual(Array.from(part!.advancers), [1, 2, 3]);
        assert.ok(Number.isNaN(all!.trin[0]), 'NaN survives the trip');
        await commitAnalysis(store, { breadth: { universe: 'sp500', series: [breadth('all', 2)] } });
        assert.deepEqual(await store.analysis.breadthScopes('sp500'), ['all']);
        assert.equal(await store.analysis.breadth('sp500', 'sector:Energy'), null);
        assert.equal(await store.analysis.breadth('other', 'all'), null);
        assert.deepEqual(await store.analysis.breadthScopes('other'), []);
      });
    });

    describe('state and runs', () => {
      it('keeps per-ticker states byte for byte', async () => {
        await commitAnalysis(store, {
          states: [
            { symbol: 'A', barVersion: 3, lastDate: 17_000, state: Uint8Array.from([1, 2, 3]) },
            { symbol: 'B', barVersion: 1, lastDate: 17_001, state: null },
          ],
        });
        const all = await store.analysis.getStates();
        assert.deepEqual(all.get('A'), {
          symbol: 'A',
          barVersion: 3,
          lastDate: 17_000,
          state: Uint8Array.from([1, 2, 3]),
        });
        assert.equal(all.get('B')?.state, null);
        assert.deepEqual([...(await store.analysis.getStates(['B', 'C'])).keys()], ['B']);
      });

      it('commits a run at once: rows, signals, states, breadth and its counters; and deletes dropped symbols', async () => {
        assert.equal(await store.analysis.breadthState('cached'), null);
        await store.analysis.commitRun({
          screenerRows: [row('A', 1), row('B', 2)],
          signalsFrom: new Map([
            ['A', null],
            ['B', null],
          ]),
          signals: signalColumns([sig('A', '2017-01-03', 'golden-cross', 1), sig('B', '2017-01-04', 'death-cross', 2)]),
          states: [
            { symbol: 'A', barVersion: 1, lastDate: 17_000, state: Uint8Array.from([9]) },
            { symbol: 'B', barVersion: 1, lastDate: 17_000, state: Uint8Array.from([8]) },
          ],
          breadth: { universe: 'cached', series: [breadth('all', 3)], state: Uint8Array.from([7, 7]) },
        });
        assert.deepEqual(await store.analysis.breadthState('cached'), Uint8Array.from([7, 7]));
        assert.equal((await store.analysis.screenerRows()).length, 2);
        await store.analysis.commitRun({
          screenerRows: [],
          signalsFrom: new Map(),
          signals: signalColumns([]),
          states: [],
          deleteSymbols: ['B'],
        });
        assert.deepEqual(
          (await store.analysis.screenerRows()).map((r) => r.symbol),
          ['A'],
        );
        assert.deepEqual(
          (await store.analysis.signals()).map((s) => s.symbol),
          ['A'],
        );
        assert.deepEqual([...(await store.analysis.getStates()).keys()], ['A']);
      });
    });
  });
}

function day(iso: string): EpochDay {
  return dayFromIso(iso);
}

function sig(symbol: string, iso: string, kind: SignalKind, value: number): Signal {
  return { symbol, date: day(iso), kind, value };
}

function row(symbol: string, close: number): ScreenerRow {
  return {
    symbol,
    name: `${symbol} Corp`,
    sector: null,
    industry: null,
    marketCap: null,
    trailingPE: null,
    forwardPE: null,
    eps: null,
    dividendYield: null,
    sharesOutstanding: null,
    date: 17_500 as EpochDay,
    bars: 300,
    close,
    volume: 1000,
    change1d: 0.5,
    ret1d: 0.3,
    ret1w: null,
    ret1m: null,
    ret3m: 4,
    ret6m: null,
    retYtd: null,
    ret1y: null,
    ema10: null,
    ema20: null,
    ema50: null,
    ema100: null,
    ema200: null,
    sma20: close,
    sma50: null,
    sma200: null,
    rsi14: 55,
    macd: null,
    macdSignal: null,
    macdHist: null,
    macdStage: 'none',
    bbPercentB: null,
    bbBandwidth: null,
    atr14: null,
    atrPct: null,
    vol20: null,
    vol60: null,
    high52w: null,
    low52w: null,
    distHigh52w: null,
    distLow52w: null,
    avgVolume50: null,
    volumeRatio: null,
    relStrength: null,
    flags: ['zero-volume'],
  };
}

/** A series of n days from day 17,000: advancers 0..n-1, TRIN NaN on the first day, other fields i * 0.5. */
function breadth(scope: string, n: number): BreadthSeries {
  const s = { scope, dates: Int32Array.from({ length: n }, (_, i) => 17_000 + i) } as BreadthSeries;
  for (const f of BREADTH_FIELDS) {
    (s as unknown as Record<string, Float64Array>)[f] = Float64Array.from({ length: n }, (_, i) =>
      f === 'advancers' ? i : f === 'trin' && i === 0 ? Number.NaN : i * 0.5,
    );
  }
  return s;
}
