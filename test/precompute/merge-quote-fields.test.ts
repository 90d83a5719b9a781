import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isoFromDay } from '../../src/domain/epoch-day.js';
import type { StoredQuote } from '../../src/domain/quote.js';
import type { HeatmapPayload } from '../../src/precompute/build-heatmap.js';
import type { ScreenerPayload } from '../../src/precompute/build-screener.js';
import { DashboardCache } from '../../src/precompute/dashboard-cache.js';
import { mergeQuoteFields } from '../../src/precompute/merge-quote-fields.js';
import { precompute } from '../../src/precompute/precompute.js';
import type { Store } from '../../src/store/store.js';
import { LATEST, openTempStore, screenerRow, seedAnalysis } from './precompute-fixtures.js';

/** Noon UTC of the rows' latest bar date, plus `days`. */
function onDay(days: number): Date {
  return new Date(`${isoFromDay(LATEST + days)}T12:00:00Z`);
}

function quote(symbol: string, over: Partial<StoredQuote> = {}): StoredQuote {
  return {
    symbol,
    name: null,
    exchange: null,
    currency: null,
    quoteType: null,
    price: null,
    marketCap: null,
    trailingPE: null,
    forwardPE: null,
    eps: null,
    dividendYield: null,
    fiftyTwoWeekHigh: null,
    fiftyTwoWeekLow: null,
    averageVolume: null,
    sharesOutstanding: null,
    fetchedAt: onDay(0),
    ...over,
  };
}

describe('mergeQuoteFields', () => {
  it('fills P/E, EPS, dividend yield and shares from the ticker’s quote and nulls for a ticker without one', () => {
    const [a, b] = mergeQuoteFields(
      [screenerRow('AAA'), screenerRow('BBB')],
      [quote('AAA', { trailingPE: 21.5, forwardPE: 18, eps: 4.2, dividendYield: 0.0123, sharesOutstanding: 5e8 })],
    );
    assert.deepEqual(
      [a.trailingPE, a.forwardPE, a.eps, a.dividendYield, a.sharesOutstanding],
      [21.5, 18, 4.2, 0.0123, 5e8],
    );
    assert.deepEqual(
      [b.trailingPE, b.forwardPE, b.eps, b.dividendYield, b.sharesOutstanding],
      [null, null, null, null, null],
    );
  });

  it('takes the quote’s market cap when the quote is as recent as the row’s latest bar, else keeps the ticker’s', () => {
    const rows = [screenerRow('NEW', { marketCap: 1e9 }), screenerRow('OLD', { marketCap: 1e9 }), screenerRow('NONE')];
    const merged = mergeQuoteFields(rows, [
      quote('NEW', { marketCap: 2e9, fetchedAt: onDay(0) }),
      quote('OLD', { marketCap: 3e9, fetchedAt: onDay(-3) }),
      quote('NONE', { fetchedAt: onDay(1) }),
    ]);
    assert.deepEqual(
      merged.map((r) => r.marketCap),
      [2e9, 1e9, 1e9],
    );
  });

  it('leaves the rows it was given untouched and reads rows stored before the quote fields existed', () => {
    const old = screenerRow('AAA') as unknown as Record<string, unknown>;
    delete old.trailingPE;
    delete old.eps;
    const rows = [old as never];
    const [merged] = mergeQuoteFields(rows, []);
    assert.equal(merged.trailingPE, null);
    assert.equal(merged.eps, null);
    assert.equal('trailingPE' in old, false);
  });
});

describe('precompute with stored quotes', () => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await openTempStore());
    await seedAnalysis(store);
  });
  afterEach(() => dispose());

  it('shows the quote fields in the screener and the quote’s market cap in the heatmap without a new analysis', async () => {
    await store.quotes.upsert(
      [
        {
          symbol: 'AAPL',
          marketCap: 1.2e12,
          trailingPE: 30.25,
          eps: 6.05,
          dividendYield: 0.0041,
          sharesOutstanding: 1.5e10,
        },
      ],
      onDay(0),
    );
    const cache = new DashboardCache(store.cache, { ttlMinutes: 15 });
    await precompute({ store, cache, now: () => onDay(0) });

    const screener = await cache.get<ScreenerPayload>('screener');
    assert.ok(screener);
    const col = (name: string) => screener.columns.indexOf(name);
    const aapl = screener.rows.find((r) => r[col('symbol')] === 'AAPL');
    const msft = screener.rows.find((r) => r[col('symbol')] === 'MSFT');
    assert.ok(aapl && msft);
    assert.deepEqual(
      ['marketCap', 'trailingPE', 'forwardPE', 'eps', 'dividendYield', 'sharesOutstanding'].map((c) => aapl[col(c)]),
      [1.2e12, 30.25, null, 6.05, 0.0041, 1.5e10],
    );
    assert.equal(msft[col('trailingPE')], null);

    const heatmap = await cache.get<HeatmapPayload>('heatmap');
    const members = heatmap?.sectors.flatMap((s) => s.industries.flatMap((i) => i.members)) ?? [];
    assert.equal(members.find((m) => m.symbol === 'AAPL')?.marketCap, 1.2e12);
    assert.equal(members.find((m) => m.symbol === 'MSFT')?.marketCap, 700e9);
  });
});
