import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BarSeries } from '../../src/domain/bar-series.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { commitAnalysis } from '../support/commit-analysis.js';
import { analyze, snapshot, tempStore, writeSeries } from './analysis-store-helpers.js';
import { extendBars, headBars, market, sliceBars, walkBars } from './bar-series-fixtures.js';

/** A store holding the final bars, analysed in one full run: what every incremental result must equal. */
async function fullReference(final: { series: BarSeries; sector: string | null }[]) {
  const ref = await tempStore();
  for (const { series, sector } of final) await writeSeries(ref.store, series, sector);
  await analyze(ref.store, { full: true });
  const snap = await snapshot(ref.store);
  await ref.dispose();
  return snap;
}

describe('incremental analysis', () => {
  let t: Awaited<ReturnType<typeof tempStore>>;
  let store: SqliteStore;
  const m = market();
  // Bars held back from the first run, per ticker: appended later (XOM gets none).
  const held: Record<string, number> = { AAPL: 5, XOM: 0, O: 3, DISCA: 1, WALK: 4, SHORT: 2 };

  before(async () => {
    t = await tempStore();
    store = t.store;
    for (const { series, sector } of m) {
      await writeSeries(store, headBars(series, series.dates.length - held[series.symbol]), sector);
    }
    const first = await analyze(store);
    assert.equal(first.mode, 'full', 'a first run has no counters to add to');
  });
  after(async () => t.dispose());

  it('continues tickers over appended bars and equals a full run bit for bit', async () => {
    for (const { series } of m) {
      const n = series.dates.length;
      if (held[series.symbol] > 0)
        await store.bars.writeTicker({ symbol: series.symbol, bars: sliceBars(series, n - held[series.symbol], n) });
    }
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.fullReason, null);
    assert.equal(s.skipped, 1, 'XOM gained no bars');
    assert.equal(s.resumed, 4, 'the long histories continue from their state');
    assert.equal(s.recomputed, 1, 'SHORT is too short to keep a state and is recomputed');
    assert.equal(s.bars, 5 + 3 + 1 + 4 + 150);
    assert.deepEqual(await snapshot(store), await fullReference(m));
  });

  it('skips everything when nothing changed and leaves the results as they were', async () => {
    const before = await snapshot(store);
    const s = await analyze(store);
    assert.equal(s.skipped, m.length);
    assert.equal(s.bars, 0);
    assert.deepEqual(await snapshot(store), before);
  });

  it('adds a ticker that is new to the universe without recounting the others', async () => {
    const extra = walkBars('NEWCO', 400, 13);
    await writeSeries(store, extra, 'Utilities');
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 1);
    assert.equal(s.skipped, m.length);
    m.push({ series: extra, sector: 'Utilities' });
    assert.deepEqual(await snapshot(store), await fullReference(m));
  });

  it('recounts only a ticker whose recent bar changed', async () => {
    const aapl = m[0].series;
    const at = aapl.dates.length - 50;
    const bar = sliceBars(aapl, at, at + 1);
    bar.close[0] *= 1.01;
    await store.bars.writeTicker({ symbol: 'AAPL', bars: bar });
    aapl.close[at] = bar.close[0];
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.fullReason, null);
    assert.equal(s.recomputed, 1);
    assert.equal(s.skipped, m.length - 1);
    assert.deepEqual(await snapshot(store), await fullReference(m));
    assert.equal((await store.bars.superseded()).size, 0, 'the run accounted for the superseded history');
  });

  it('recounts only a ticker whose old bar was corrected, from the superseded history', async () => {
    const xom = m[1].series;
    const bar = sliceBars(xom, 100, 101);
    bar.volume[0] += 1000;
    await store.bars.writeTicker({ symbol: 'XOM', bars: bar });
    xom.volume[100] = bar.volume[0];
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 1);
    assert.equal(s.skipped, m.length - 1);
    assert.deepEqual(await snapshot(store), await fullReference(m));
  });

  it('recomputes everything when the store reports an old bar rewritten but kept no superseded history', async () => {
    const xom = m[1].series;
    const bar = sliceBars(xom, 120, 121);
    bar.volume[0] += 1000;
    await store.bars.writeTicker({ symbol: 'XOM', bars: bar });
    xom.volume[120] = bar.volume[0];
    const version = (await store.bars.versions()).get('XOM')!;
    await commitAnalysis(store, { clearSuperseded: ['XOM'] });
    // The fingerprint covers the last 300 bars only; an adapter reporting history versions covers the rest.
    const bars = Object.assign(Object.create(store.bars), {
      historyVersions: async () => new Map([['XOM', version]]),
      superseded: async () => new Map(),
    });
    const s = await analyze(Object.assign(Object.create(store), { bars }));
    assert.equal(s.mode, 'full');
    assert.match(s.fullReason ?? '', /history of XOM was rewritten/);
    assert.deepEqual(await snapshot(store), await fullReference(m));
  });

  it('moves a ticker to another sector without recounting the others', async () => {
    await store.tickers.upsert([{ symbol: 'WALK', sector: 'Materials' }]);
    m[4].sector = 'Materials';
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 1);
    const snap = await snapshot(store);
    assert.ok('sector:Materials' in snap.breadth);
    assert.deepEqual(snap, await fullReference(m));
  });

  it('drops the analysis of a ticker that lost its bars', async () => {
    await store.bars.deleteTicker('SHORT');
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 0);
    assert.equal(s.removed, 1);
    assert.equal(await store.analysis.screenerRow('SHORT'), null);
    assert.deepEqual(await store.analysis.signals({ symbol: 'SHORT' }), []);
    m.splice(5, 1);
    assert.deepEqual(await snapshot(store), await fullReference(m));
  });

  it('gives the same results on worker threads as on one thread', async () => {
    for (const k of [0, 2, 4]) {
      const extended = extendBars(m[k].series, 2);
      const n = extended.dates.length;
      await store.bars.writeTicker({ symbol: extended.symbol, bars: sliceBars(extended, n - 2, n) });
      m[k].series = extended;
    }
    const s = await analyze(store, { workers: 2 });
    assert.equal(s.threads, 2);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.resumed, 3);
    const reference = await fullReference(m);
    assert.deepEqual(await snapshot(store), reference);
    const full = await analyze(store, { full: true, workers: 2 });
    assert.equal(full.threads, 2);
    assert.deepEqual(await snapshot(store), reference);
    const streamed = await analyze(store, { full: true, workers: 2, storeWhileComputing: true });
    assert.equal(streamed.threads, 2);
    assert.equal(streamed.signals, full.signals);
    assert.deepEqual(await snapshot(store), reference);
  });
});
