import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { valuesRows } from '../../src/store/postgres/values-rows.js';

describe('valuesRows', () => {
  it('numbers each row of parameters on from the first', () => {
    assert.equal(valuesRows(2, 3), '($1, $2, $3), ($4, $5, $6)');
    assert.equal(valuesRows(1, 2, 9), '($9, $10)');
    assert.equal(valuesRows(0, 4), '');
  });
});
