import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BarSeries } from '../../src/domain/bar-series.js';
import { dayFromIso, isoFromDay, weekdayOfDay } from '../../src/domain/epoch-day.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { generateUniverse } from '../../src/synthetic/generate-universe.js';
import { GICS_SECTORS } from '../../src/synthetic/gics-sectors.js';
import { weekdayCalendar } from '../../src/synthetic/weekday-calendar.js';

const END = dayFromIso('2024-06-30'); // a Sunday: the calendar must end on Friday 2024-06-28
const TICKERS = 200;
const DAYS = 300;

async function generated(seed: number, tickers = TICKERS, days = DAYS): Promise<Store> {
  const store = await SqliteStore.open(':memory:');
  await generateUniverse(store, { tickers, days, seed, endDate: END, batchSize: 64 });
  return store;
}

async function allSeries(store: Store): Promise<BarSeries[]> {
  const out: BarSeries[] = [];
  for await (const s of store.bars.readAll()) out.push(s);
  return out;
}

function sameBytes(a: BarSeries, b: BarSeries): boolean {
  const fields = ['dates', 'open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;
  return fields.every((f) =>
    Buffer.from(a[f].buffer, a[f].byteOffset, a[f].byteLength).equals(
      Buffer.from(b[f].buffer, b[f].byteOffset, b[f].byteLength),
    ),
  );
}

describe('generateUniverse', () => {
  let store: Store;
  let series: BarSeries[];
  before(async () => {
    store = await generated(7);
    series = await allSeries(store);
  });

  it('writes the asked number of tickers and days, symbols S0001 upwards, in the synthetic universe', async () => {
    assert.equal(series.length, TICKERS);
    assert.equal(series[0].symbol, 'S0001');
    assert.equal(series[TICKERS - 1].symbol, 'S0200');
    assert.ok(series.every((s) => s.dates.length === DAYS));
    const members = await store.universes.get('synthetic');
    assert.equal(members?.length, TICKERS);
  });

  it('trades on weekdays only, ascending, ending on the last weekday on or before the end date', () => {
    for (const s of series) {
      for (let i = 0; i < s.dates.length; i++) {
        const w = weekdayOfDay(s.dates[i]);
        assert.ok(w !== 0 && w !== 6, `${s.symbol} trades on ${isoFromDay(s.dates[i])}, a weekend`);
        if (i > 0) assert.ok(s.dates[i] > s.dates[i - 1]);
      }
      assert.equal(isoFromDay(s.dates[s.dates.length - 1]), '2024-06-28');
    }
  });

  it('keeps every bar consistent: low <= open, close <= high, positive prices and volumes', () => {
    for (const s of series) {
      for (let i = 0; i < s.dates.length; i++) {
        const at = `${s.symbol} ${isoFromDay(s.dates[i])}`;
        assert.ok(s.low[i] > 0, `${at}: low ${s.low[i]}`);
        assert.ok(s.low[i] <= Math.min(s.open[i], s.close[i]), `${at}: low above open/close`);
        assert.ok(s.high[i] >= Math.max(s.open[i], s.close[i]), `${at}: high below open/close`);
        assert.ok(s.volume[i] >= 100 && Number.isInteger(s.volume[i]), `${at}: volume ${s.volume[i]}`);
        assert.ok(s.adjClose[i] > 0 && s.adjClose[i] <= s.close[i] + 1e-9, `${at}: adjClose ${s.adjClose[i]}`);
      }
    }
  });

  it('is the same market for the same seed, and another market for another seed', async () => {
    const again = await allSeries(await generated(7));
    assert.equal(again.length, series.length);
    assert.ok(again.every((s, i) => sameBytes(s, series[i])));
    const other = await allSeries(await generated(8));
    assert.ok(!sameBytes(other[0], series[0]));
  });

  it('gives ticker i the same history whatever the number of tickers generated', async () => {
    const few = await allSeries(await generated(7, 3));
    assert.deepEqual(
      few.map((s) => s.symbol),
      ['S0001', 'S0002', 'S0003'],
    );
    assert.ok(few.every((s, i) => sameBytes(s, series[i])));
  });

  it('records splits for a few tickers and quarterly dividends, adjusted into adjClose, for about half', async () => {
    let withSplit = 0;
    let withDividends = 0;
    for (const s of series) {
      const splits = await store.bars.splits(s.symbol);
      for (const sp of splits) {
        assert.ok(sp.numerator > 0 && sp.denominator > 0 && sp.numerator !== sp.denominator);
        assert.ok(s.dates.includes(sp.date), 'a split falls on a trading day');
      }
      if (splits.length > 0) withSplit++;
      const dividends = await store.bars.dividends(s.symbol);
      if (dividends.length === 0) {
        assert.ok(
          s.adjClose.every((v, i) => v === s.close[i]),
          `${s.symbol} pays nothing, so adjClose = close`,
        );
        continue;
      }
      withDividends++;
      const first = dividends[0];
      const i = s.dates.indexOf(first.date);
      // Before the first ex-date the adjustment factor includes (1 - dividend / previous close).
      const before = s.adjClose[i - 1] / s.close[i - 1];
      const after = s.adjClose[i] / s.close[i];
      assert.ok(Math.abs(before / after - (1 - first.amount / s.close[i - 1])) < 1e-9);
      assert.equal(s.adjClose[s.dates.length - 1], s.close[s.dates.length - 1]);
    }
    assert.ok(withSplit >= 1 && withSplit <= TICKERS * 0.1, `${withSplit} tickers with a split`);
    assert.ok(withDividends > TICKERS * 0.3 && withDividends < TICKERS * 0.7, `${withDividends} pay dividends`);
  });

  it('spreads tickers over the 11 GICS sectors with industries and market caps', async () => {
    const infos = await store.tickers.list();
    const sectors = new Set(infos.map((t) => t.sector));
    assert.equal(sectors.size, GICS_SECTORS.length);
    for (const t of infos) {
      const spec = GICS_SECTORS.find((g) => g.sector === t.sector);
      assert.ok(spec?.industries.includes(t.industry ?? ''), `${t.symbol}: industry ${t.industry}`);
      assert.ok((t.marketCap ?? 0) > 0 && t.name);
    }
  });

  it('changes nothing when run again with the same seed', async () => {
    const versions = await store.bars.versions();
    await generateUniverse(store, { tickers: TICKERS, days: DAYS, seed: 7, endDate: END });
    assert.deepEqual(await store.bars.versions(), versions);
  });

  it('rejects a ticker or day count that is not a positive integer', async () => {
    await assert.rejects(generateUniverse(store, { tickers: 0, days: 10 }), /tickers 0 .*expected an integer >= 1/);
    await assert.rejects(generateUniverse(store, { tickers: 1, days: 2.5 }), /days 2.5/);
  });
});

describe('weekdayCalendar', () => {
  it('counts back the asked number of weekdays from a Saturday', () => {
    const days = weekdayCalendar(dayFromIso('2024-01-06'), 6);
    assert.deepEqual([...days].map(isoFromDay), [
      '2023-12-29',
      '2024-01-01',
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
    ]);
  });
});
