import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertStoredAsServed, type FetchKit, openFetchKit, testSymbols } from '../fetch/fetch-test-kit.js';
import type { FaultKind } from '../support/market-test-server.js';

/**
 * A proxy or an edge that garbles one answer (a 200 with broken JSON, an HTML error page, a body cut short)
 * says nothing about the ticker: asking again, within the same retry budget as a 5xx, gets the real answer.
 */
describe('a 200 answer that is not the JSON asked for', () => {
  let kit: FetchKit;
  before(async () => {
    kit = await openFetchKit();
  });
  after(() => kit.close());

  const garbled: FaultKind[] = ['malformedJson', 'html', 'cutBody'];
  for (const [i, kind] of garbled.entries()) {
    it(`is retried like a 5xx: ${kind} on the first attempt of every 3rd ticker loses nothing`, async () => {
      kit.server.reset();
      kit.server.setKnobs({ scriptedFaults: { kind, everyNth: 3, failAttempts: 2 } });
      const symbols = testSymbols(12, 100 * (i + 1));
      const m = await kit.fetch(symbols, { retries: 3 });
      kit.server.setKnobs({ scriptedFaults: null });
      assert.equal(m.tickers.failed, 0, JSON.stringify(m.failed));
      assert.equal(m.tickers.fetched, 12);
      // 4 of the 12 symbols are selected, each garbled twice before its real answer.
      assert.equal(kit.server.stats().faults[kind], 8);
      assert.equal(m.retries, 8);
      for (const s of symbols) await assertStoredAsServed(kit, s);
    });
  }

  it('still gives up after the retry budget, naming what the answer was', async () => {
    kit.server.reset();
    kit.server.setKnobs({ scriptedFaults: { kind: 'html', symbols: ['S0900'], failAttempts: 10 } });
    const m = await kit.fetch(['S0900', 'S0901'], { retries: 2 });
    kit.server.setKnobs({ scriptedFaults: null });
    assert.equal(m.tickers.fetched, 1);
    assert.deepEqual(
      m.failed.map((f) => [f.symbol, f.kind]),
      [['S0900', 'html']],
    );
    assert.equal(kit.server.requestsFor('S0900'), 3, 'the first attempt and two retries');
  });
});
