import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordUniverseInfo } from '../../src/universe/record-universe-info.js';
import { resolveUniverse } from '../../src/universe/resolve-universe.js';
import { makeTestStore } from '../support/make-test-store.js';

describe('recordUniverseInfo', () => {
  it("stores the S&P list's sector, industry and name for the tickers about to be fetched", async () => {
    const { store, dispose } = await makeTestStore();
    try {
      const sp500 = await resolveUniverse('sp500', { store });
      assert.equal(await recordUniverseInfo(store, sp500, ['AAPL', 'XOM']), 2);
      const aapl = await store.tickers.get('AAPL');
      assert.equal(aapl?.sector, 'Information Technology');
      assert.equal(aapl?.industry, 'Technology Hardware, Storage & Peripherals');
      assert.equal(aapl?.name, 'Apple Inc.');
      assert.equal((await store.tickers.get('XOM'))?.sector, 'Energy');
      assert.equal(await store.tickers.get('MSFT'), null, 'only the given tickers');
    } finally {
      await dispose();
    }
  });

  it('leaves stored fields alone where the list has nothing', async () => {
    const { store, dispose } = await makeTestStore();
    try {
      await store.tickers.upsert([{ symbol: 'ZZZ', sector: 'Energy', name: 'Zed' }]);
      const plain = await resolveUniverse(undefined, { store, tickers: 'ZZZ' });
      assert.equal(await recordUniverseInfo(store, plain), 0);
      assert.equal((await store.tickers.get('ZZZ'))?.sector, 'Energy');
    } finally {
      await dispose();
    }
  });
});
