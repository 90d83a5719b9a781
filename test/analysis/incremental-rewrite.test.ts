import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAnalysis } from '../../src/analysis/run-analysis.js';
import type { BarSeries } from '../../src/domain/bar-series.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { analyze, snapshot, tempStore, writeSeries } from './analysis-store-helpers.js';
import { headBars, market } from './bar-series-fixtures.js';

/** `s` as a data vendor re-adjusts it after a `ratio`-for-1 split: prices divided, volumes multiplied. */
function splitAdjusted(s: BarSeries, ratio: number): BarSeries {
  const out = headBars(s, s.dates.length);
  for (const f of ['open', 'high', 'low', 'close', 'adjClose'] as const) {
    const a = out[f];
    for (let i = 0; i < a.length; i++) a[i] /= ratio;
  }
  for (let i = 0; i < out.volume.length; i++) out.volume[i] *= ratio;
  return out;
}

/** The same store analysed again by a full run: what the incremental run's results must equal. */
async function fullRerun(store: SqliteStore, symbols?: readonly string[]) {
  const incremental = await snapshot(store);
  const s = symbols
    ? await runAnalysis(store, { universe: { name: 'cached', symbols }, full: true, workers: 1 })
    : await analyze(store, { full: true });
  assert.equal(s.mode, 'full');
  return { incremental, full: await snapshot(store) };
}

async function analyzeUniverse(store: SqliteStore, symbols: readonly string[]) {
  return runAnalysis(store, { universe: { name: 'cached', symbols }, workers: 1 });
}

describe('incremental analysis of rewritten histories', () => {
  let t: Awaited<ReturnType<typeof tempStore>>;
  let store: SqliteStore;
  const m = market();

  before(async () => {
    t = await tempStore();
    store = t.store;
    for (const { series, sector } of m) await writeSeries(store, series, sector);
    assert.equal((await analyze(store)).mode, 'full');
  });
  after(async () => t.dispose());

  it('recounts only a split ticker and equals a full run on the same bars', async () => {
    const aapl = splitAdjusted(m[0].series, 7);
    await store.bars.writeTicker({ symbol: 'AAPL', bars: aapl, mode: 'replace' });
    m[0].series = aapl;
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.fullReason, null);
    assert.equal(s.recomputed, 1);
    assert.equal(s.retracted, 1);
    assert.equal(s.skipped, m.length - 1);
    assert.equal(s.bars, aapl.dates.length);
    assert.equal((await store.bars.superseded()).size, 0);
    const { incremental, full } = await fullRerun(store);
    // Counts and volume sums compare exactly: whole share counts subtract and add without rounding.
    assert.deepEqual(incremental, full);
  });

  it('recounts nothing when a dividend re-adjustment changes only adjusted closes', async () => {
    const before = await snapshot(store);
    const xom = headBars(m[1].series, m[1].series.dates.length);
    for (let i = 0; i < xom.close.length; i++) xom.adjClose[i] = xom.close[i] * 0.97;
    await store.bars.writeTicker({ symbol: 'XOM', bars: xom, mode: 'replace' });
    assert.equal((await store.bars.superseded()).size, 0);
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.fullReason, null);
    assert.equal(s.recomputed, 0);
    assert.equal(s.retracted, 0);
    assert.deepEqual(await snapshot(store), before);
  });

  it('takes out a ticker that left the universe and equals a full run of the smaller universe', async () => {
    const symbols = m.map((x) => x.series.symbol).filter((symbol) => symbol !== 'O');
    const s = await analyzeUniverse(store, symbols);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 0);
    assert.equal(s.retracted, 1);
    assert.equal(s.tickers, m.length - 1);
    const { incremental, full } = await fullRerun(store, symbols);
    assert.ok(!('sector:Real Estate' in incremental.breadth), 'its sector had no other ticker');
    assert.deepEqual(incremental, full);
  });

  it('moves a split ticker to another sector in one incremental run', async () => {
    await analyze(store);
    const walk = splitAdjusted(m[4].series, 2);
    await store.bars.writeTicker({ symbol: 'WALK', bars: walk, mode: 'replace', info: { sector: 'Materials' } });
    await store.tickers.upsert([{ symbol: 'DISCA', sector: 'Energy' }]);
    const s = await analyze(store);
    assert.equal(s.mode, 'incremental');
    assert.equal(s.recomputed, 2);
    assert.equal(s.retracted, 2);
    const { incremental, full } = await fullRerun(store);
    assert.ok('sector:Materials' in incremental.breadth);
    assert.deepEqual(incremental, full);
  });

  it('falls back to a full run, saying why, when a counted volume is not a whole number of shares', async () => {
    const short = splitAdjusted(m[5].series, 1);
    short.volume[3] += 0.5;
    await store.bars.writeTicker({ symbol: 'SHORT', bars: short, mode: 'replace' });
    assert.equal((await analyze(store)).mode, 'incremental', 'the counted (old) volumes were whole');
    const again = splitAdjusted(short, 3);
    await store.bars.writeTicker({ symbol: 'SHORT', bars: again, mode: 'replace' });
    const s = await analyze(store);
    assert.equal(s.mode, 'full');
    assert.match(s.fullReason ?? '', /SHORT has a volume of .* not a whole number/);
    const { incremental, full } = await fullRerun(store);
    assert.deepEqual(incremental, full);
  });
});
