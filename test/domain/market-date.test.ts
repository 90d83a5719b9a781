import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { MARKET_RECENT_DAYS, marketDate } from '../../src/domain/market-date.js';

const day = dayFromIso;

describe('marketDate', () => {
  it('is the day most tickers reached: one ticker a day ahead does not move it, half of them do', () => {
    const market = Array.from({ length: 107 }, () => day('2018-02-07'));
    assert.equal(marketDate([...market, day('2018-02-08')]), day('2018-02-07'));
    const half = market.map((d, i) => (i % 2 === 0 ? day('2018-02-08') : d));
    assert.equal(marketDate(half), day('2018-02-08'));
  });

  it('leaves out tickers that stopped trading weeks ago, and says null for no ticker', () => {
    const delisted = Array.from({ length: 10 }, () => day('2017-06-30'));
    const live = [day('2018-02-07'), day('2018-02-07'), day('2018-02-06')];
    assert.ok(day('2018-02-07') - day('2017-06-30') > MARKET_RECENT_DAYS);
    assert.equal(marketDate([...delisted, ...live]), day('2018-02-07'));
    assert.equal(marketDate([]), null);
  });

  it('takes a market of 200,000 tickers', () => {
    assert.equal(marketDate(new Array(200_000).fill(day('2024-06-28'))), day('2024-06-28'));
  });
});
