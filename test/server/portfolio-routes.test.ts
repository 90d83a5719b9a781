import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Bar, barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso, type EpochDay } from '../../src/domain/epoch-day.js';
import { getJson, postJson, startTestServer, type TestServer } from './server-test-kit.js';

/** 260 weekdays of closes rising by `step` a day from 100. */
async function storeBars(t: TestServer, symbol: string, step: number): Promise<void> {
  const bars: Bar[] = [];
  let day = dayFromIso('2024-01-01');
  for (let i = 0; i < 260; i++) {
    while ((day + 4) % 7 >= 5) day++;
    const close = 100 + step * i;
    bars.push({ date: day as EpochDay, open: close, high: close, low: close, close, adjClose: close, volume: 1 });
    day++;
  }
  await t.store.bars.writeTicker({ symbol, bars: barSeriesFromBars(symbol, bars) });
}

describe('HTTP API portfolios and reports', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await storeBars(t, 'AAPL', 0.5);
    await storeBars(t, 'MSFT', -0.1);
    await storeBars(t, 'SPY', 0.2);
  });
  after(() => t.close());

  it('imports a portfolio from a POST and lists it', async () => {
    const r = await postJson(t.base, '/api/portfolios', {
      name: 'main',
      fileName: 'holdings.csv',
      content: 'symbol,shares,cost_basis,date\nAAPL,10,1000,2024-01-01\nMSFT,5,500,2024-01-01\n',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(
      [r.body.name, r.body.format, r.body.transactions, r.body.symbols],
      ['main', 'holdings', 2, ['AAPL', 'MSFT']],
    );
    const list = await getJson(t.base, '/api/portfolios');
    assert.deepEqual(
      list.body.portfolios.map((p: { name: string; transactions: number }) => [p.name, p.transactions]),
      [['main', 2]],
    );
  });

  it('answers a portfolio with its transactions, figures and the latest reports of its holdings', async () => {
    const r = await getJson(t.base, '/api/portfolios/main');
    assert.equal(r.status, 200);
    assert.equal(r.body.portfolio.transactions[0].date, '2024-01-01');
    const a = r.body.analytics;
    // 10 AAPL at 100 -> 229.5, 5 MSFT at 100 -> 74.1 on the 260th weekday.
    assert.equal(a.value, 10 * (100 + 0.5 * 259) + 5 * (100 - 0.1 * 259));
    assert.equal(a.benchmark, 'SPY');
    assert.deepEqual(
      a.holdings.map((h: { symbol: string }) => h.symbol),
      ['AAPL', 'MSFT'],
    );
    assert.equal(a.equityCurve.dates.length, 260);
    assert.ok(Array.isArray(r.body.reports));
    assert.equal(r.body.analyticsError, null);
  });

  it('names each bad row of an upload and stores nothing', async () => {
    const r = await postJson(t.base, '/api/portfolios', {
      name: 'bad',
      fileName: 'x.csv',
      content: 'symbol,shares,cost_basis,date\nAAPL,ten,1000,2024-01-01\n',
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'MD_ERR_BAD_PORTFOLIO');
    // The column as the upload names it (shares), not the field it fills.
    assert.match(r.body.error.message, /x\.csv:2: shares "ten": expected a number above 0/);
    assert.equal((await getJson(t.base, '/api/portfolios/bad')).body.error.code, 'MD_ERR_UNKNOWN_PORTFOLIO');
    assert.equal((await postJson(t.base, '/api/portfolios', { name: 'x' })).body.error.code, 'MD_ERR_BAD_BODY');
  });

  it('refuses unknown query parameters and values out of range', async () => {
    const r = await getJson(t.base, '/api/portfolios/main?bench=SPY');
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'MD_ERR_BAD_PARAM');
    const bad = await getJson(t.base, '/api/portfolios/main?drawdown=2');
    assert.match(bad.body.error.message, /"drawdown" has the value "2".*a fraction 0-1/);
  });

  it('applies the underperformer rules given in the query', async () => {
    // MSFT falls 0.1 a day: below its 200-day average; with that rule off and the others off, nothing is flagged.
    const on = await getJson(t.base, '/api/portfolios/main');
    assert.deepEqual(
      on.body.analytics.underperformers.map((u: { symbol: string }) => u.symbol),
      ['MSFT'],
    );
    const off = await getJson(t.base, '/api/portfolios/main?periodDays=0&smaDays=0&drawdown=0');
    assert.deepEqual(off.body.analytics.underperformers, []);
  });

  it('queues a report job and serves its reports', async () => {
    const posted = await postJson(t.base, '/api/reports', { portfolio: 'main', analyst: 'rules', prefetch: false });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const run = await t.runtime.queue.get(posted.body.id);
    assert.equal(run?.kind, 'report');
    const done = await new Promise((resolve) => {
      const off = t.runtime.queue.subscribe((e) => {
        if (e.type === 'finished' && e.run.id === posted.body.id) {
          off();
          resolve(e.run);
        }
      });
    });
    assert.equal((done as { status: string }).status, 'succeeded', JSON.stringify(done));
    const list = await getJson(t.base, '/api/reports');
    assert.deepEqual(
      list.body.reports.map((x: { symbol: string }) => x.symbol),
      ['AAPL', 'MSFT'],
    );
    assert.equal(list.body.reports[0].facts, undefined, 'lists leave the facts out');
    assert.equal(list.body.runs[0].id, posted.body.id);
    const one = await getJson(t.base, '/api/reports/aapl');
    assert.equal(one.status, 200);
    assert.equal(one.body.symbol, 'AAPL');
    assert.equal(one.body.reports[0].analyst, 'rules');
    assert.equal(typeof one.body.reports[0].facts.close, 'number');
    assert.equal((await getJson(t.base, '/api/reports/NVDA')).body.error.code, 'MD_ERR_UNKNOWN_REPORT');
    const page = await getJson(t.base, '/api/portfolios/main');
    assert.equal(page.body.reports.length, 2);
  });

  it('refuses a report on a portfolio that is not stored', async () => {
    const r = await postJson(t.base, '/api/reports', { portfolio: 'nope' });
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'MD_ERR_UNKNOWN_PORTFOLIO');
  });

  it('refuses report params it does not take', async () => {
    const r = await postJson(t.base, '/api/reports', { tickers: 'AAPL', bogus: 1 });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'MD_ERR_BAD_BODY');
    assert.match(r.body.error.message, /bogus/);
  });
});
