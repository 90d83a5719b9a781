import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barSeriesFromBars } from '../../src/domain/bar-series.js';
import { dayFromIso } from '../../src/domain/epoch-day.js';
import { describeDataSet } from '../../src/universe/describe-data-set.js';
import { makeTestStore } from '../support/make-test-store.js';

function oneBar(symbol: string, iso: string) {
  const close = 10;
  return barSeriesFromBars(symbol, [
    { date: dayFromIso(iso), open: close, high: close, low: close, close, adjClose: close, volume: 100 },
  ]);
}

describe('describeDataSet', () => {
  it('says when everything stored is the bundled sample, and when only part of it is', async () => {
    const { store, dispose } = await makeTestStore();
    try {
      assert.equal((await describeDataSet(store)).notice, 'no bars stored');
      await store.bars.writeTicker({ symbol: 'AAPL', bars: oneBar('AAPL', '2013-02-08') });
      await store.universes.set('sample', [{ symbol: 'AAPL' }], 'Bundled sample');
      const onlySample = await describeDataSet(store);
      assert.equal(onlySample.sample?.allSample, true);
      assert.match(onlySample.notice, /^sample data .*1 tickers, 2013-02-08 \.\. 2013-02-08$/);

      await store.bars.writeTicker({ symbol: 'MSFT', bars: oneBar('MSFT', '2024-05-01') });
      const mixed = await describeDataSet(store);
      assert.equal(mixed.sample?.allSample, false);
      assert.equal(mixed.to, '2024-05-01');
      assert.match(mixed.notice, /1 of the tickers are bundled sample data \(2013-02-08 \.\. 2013-02-08\)/);
      assert.deepEqual(
        [mixed.sample?.from, mixed.sample?.to],
        ['2013-02-08', '2013-02-08'],
        "the sample's range is its own tickers' dates, not stretched by MSFT",
      );
    } finally {
      await dispose();
    }
  });
});
