import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trailingRange } from '../../web/src/charts/trailing-range.js';

describe('last-24-hours chart range', () => {
  it('ends at the newest sample, so a single first sample is in sight', () => {
    assert.deepEqual(trailingRange([1_000_000], 86_400), [1_000_000 - 86_400, 1_000_000]);
    assert.deepEqual(trailingRange([999_000, 1_000_000], 3_600), [996_400, 1_000_000]);
  });
});
