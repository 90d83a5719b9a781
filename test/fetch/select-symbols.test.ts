import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectSymbols } from '../../src/fetch/select-symbols.js';

const universe = ['AAPL', 'ABBV', 'ABT', 'ACN', 'ADBE', 'AMD'];

describe('selectSymbols', () => {
  it('takes the first N of the universe with --max-stocks', () => {
    assert.deepEqual(selectSymbols(universe, { maxStocks: 3 }).symbols, ['AAPL', 'ABBV', 'ABT']);
  });

  it('takes the next N tickers not stored yet with --expand, leaving stored ones alone', () => {
    const stored = new Set(['AAPL', 'ABBV', 'ABT']);
    const r = selectSymbols(universe, { maxStocks: 2, expand: true, stored });
    assert.deepEqual(r.symbols, ['ACN', 'ADBE']);
    assert.equal(r.alreadyStored, 3);
  });

  it('takes every missing ticker with --expand alone', () => {
    const r = selectSymbols(universe, { expand: true, stored: new Set(['ABT']) });
    assert.deepEqual(r.symbols, ['AAPL', 'ABBV', 'ACN', 'ADBE', 'AMD']);
  });

  it('rejects a max of 0 naming the value', () => {
    assert.throws(() => selectSymbols(universe, { maxStocks: 0 }), /max stocks 0 .*at least 1/);
  });
});
