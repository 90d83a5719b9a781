import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { remembersMembership, rememberUniverse } from '../../src/universe/remember-universe.js';
import { resolveUniverse } from '../../src/universe/resolve-universe.js';
import { makeTestStore } from '../support/make-test-store.js';

describe('rememberUniverse', () => {
  it("stores a named list's whole membership with its description", async () => {
    const { store, dispose } = await makeTestStore();
    try {
      const dow30 = await resolveUniverse('dow30', { store });
      assert.equal(await rememberUniverse(store, dow30), true);
      assert.deepEqual(
        (await store.universes.get('dow30'))?.map((m) => m.symbol),
        dow30.symbols,
      );
      assert.equal((await store.universes.list()).find((u) => u.name === 'dow30')?.description, dow30.description);
    } finally {
      await dispose();
    }
  });

  it('leaves the store alone for the stored list, explicit tickers and files', async () => {
    const { store, dispose } = await makeTestStore();
    try {
      const tickers = await resolveUniverse(undefined, { store, tickers: 'AAPL,MSFT' });
      assert.equal(await rememberUniverse(store, tickers), false);
      assert.deepEqual(await store.universes.list(), []);
      assert.equal(remembersMembership('cached'), false);
      assert.equal(remembersMembership('file:/tmp/x.txt'), false);
      assert.equal(remembersMembership('sp500'), true);
    } finally {
      await dispose();
    }
  });
});
