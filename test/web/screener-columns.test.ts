import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText } from '../../web/src/state/screener-columns.js';

describe('screener cells', () => {
  it('shows a missing figure as a dash, as every other page does, and a missing name as blank', () => {
    assert.equal(cellText('compact', null), '—');
    assert.equal(cellText('price', undefined), '—');
    assert.equal(cellText('percent', null), '—');
    assert.equal(cellText('integer', null), '—');
    assert.equal(cellText('text', null), '');
    assert.equal(cellText('list', null), '');
    assert.equal(cellText('compact', 2.5e9), '2.5B');
  });
});
