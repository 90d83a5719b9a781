import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheSummary } from '../../web/src/state/cache-summary.js';

const now = Date.parse('2026-12-06T12:00:00Z');
const cache = { total: 4, fresh: 4, expired: 0, ttlMinutes: 15, lastPrecompute: '2026-12-06T11:55:00Z' };

describe('cache indicator', () => {
  it('says "no data yet" on a database without prices, however fresh the entries of its empty pages', () => {
    assert.deepEqual(cacheSummary({ tickers: 0, bars: 0, cache }, now), { state: 'no-data', text: 'no data yet' });
  });

  it('says fresh, expired or empty of a database with prices', () => {
    assert.deepEqual(cacheSummary({ tickers: 3, bars: 900, cache }, now), {
      state: 'fresh',
      text: 'cache fresh · TTL 15 min · generated 5 min ago',
    });
    assert.equal(cacheSummary({ tickers: 3, bars: 900, cache: { ...cache, expired: 1 } }, now).state, 'expired');
    assert.equal(cacheSummary({ tickers: 3, bars: 900, cache: { ...cache, total: 0 } }, now).state, 'empty');
  });
});
